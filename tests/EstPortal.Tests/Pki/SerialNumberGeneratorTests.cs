using System.Numerics;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public class SerialNumberGeneratorTests
{
    [Fact]
    public void Next_ManyDraws_AreSixteenBytesPositiveWithoutLeadingZeroAndDistinct()
    {
        var generator = new SerialNumberGenerator();
        var seen = new HashSet<string>();

        for (var i = 0; i < 10_000; i++)
        {
            var serial = generator.Next();

            Assert.Equal(16, serial.Length);
            Assert.InRange(serial[0], (byte)0x01, (byte)0x7F);
            Assert.True(new BigInteger(serial, isUnsigned: false, isBigEndian: true) > 0);
            Assert.True(seen.Add(SerialNumberGenerator.ToHex(serial)), "duplicate serial");
        }
    }

    [Fact]
    public void ToHex_Bytes_MatchesUpperCaseFormOfX509SerialNumber()
    {
        Assert.Equal("0A1BFF", SerialNumberGenerator.ToHex([0x0A, 0x1B, 0xFF]));
    }
}
