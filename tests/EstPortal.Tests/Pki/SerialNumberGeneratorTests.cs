using System.Numerics;
using EstPortal.Pki;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

public class SerialNumberGeneratorTests
{
    [Fact]
    public void Next_ManyDraws_AreSixteenBytesPositiveWithoutLeadingZeroAndDistinct()
    {
        var generator = new SerialNumberGenerator(TimeProvider.System);
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
    public void Next_AtOneInstant_DiffersInItsEightyRandomBits()
    {
        // CA/Browser Forum baseline: at least 64 bits from a CSPRNG. Ten octets after the time prefix, every one of them
        // seen to vary over a few hundred draws at the same millisecond.
        var generator = new SerialNumberGenerator(new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero)));
        var serials = Enumerable.Range(0, 300).Select(_ => generator.Next()).ToList();

        Assert.Single(serials.Select(s => Convert.ToHexString(s, 0, SerialNumberGenerator.TimeLength)).Distinct());
        for (var octet = SerialNumberGenerator.TimeLength; octet < SerialNumberGenerator.SerialLength; octet++)
            Assert.True(serials.Select(s => s[octet]).Distinct().Count() > 100, $"octet {octet} hardly varies");
        Assert.Equal(serials.Count, serials.Select(s => SerialNumberGenerator.ToHex(s)).Distinct().Count());
    }

    [Fact]
    public void Next_LaterInTime_SortsAfter_AsTheDatabaseOrdersTheHex()
    {
        // ADR 0029: the hex the database stores sorts in issuing order, so new certificates append to its indexes.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));
        var generator = new SerialNumberGenerator(clock);
        var hex = new List<string>();
        for (var i = 0; i < 1_000; i++)
        {
            hex.Add(SerialNumberGenerator.ToHex(generator.Next()));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(hex, hex.Order(StringComparer.Ordinal));
        Assert.StartsWith(clock.GetUtcNow().AddMilliseconds(-1_000).ToUnixTimeMilliseconds().ToString("X12"), hex[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2001-01-01T00:00:00Z")]
    [InlineData("6500-01-01T00:00:00Z")]
    public void Next_WithAClockOutsideWhatASerialEncodes_Throws(string now)
    {
        var generator = new SerialNumberGenerator(new FakeTimeProvider(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Throws<InvalidOperationException>(() => generator.Next());
    }

    [Fact]
    public void ToHex_Bytes_MatchesUpperCaseFormOfX509SerialNumber()
    {
        Assert.Equal("0A1BFF", SerialNumberGenerator.ToHex([0x0A, 0x1B, 0xFF]));
    }
}
