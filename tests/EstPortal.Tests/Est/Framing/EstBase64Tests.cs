using EstPortal.Est.Framing;

namespace EstPortal.Tests.Est.Framing;

public class EstBase64Tests
{
    private static readonly byte[] Data = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();

    [Fact]
    public void Encode_Default_IsOneLineWithoutBreaks()
    {
        var text = EstBase64.Encode(Data);

        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\r', text);
        Assert.Equal(Data, Convert.FromBase64String(text));
    }

    [Fact]
    public void Encode_WrapAt64_Has64CharLinesEachEndingInCrlf()
    {
        var text = EstBase64.Encode(Data, wrapAt64: true);

        Assert.EndsWith("\r\n", text);
        var lines = text.Split("\r\n");
        Assert.Equal(string.Empty, lines[^1]);
        Assert.All(lines[..^2], line => Assert.Equal(64, line.Length));
        Assert.InRange(lines[^2].Length, 1, 64);
        Assert.Equal(Data, Convert.FromBase64String(text));
    }

    [Fact]
    public void Encode_WrapAt64ExactMultiple_HasNoEmptyLine()
    {
        var text = EstBase64.Encode(new byte[96], wrapAt64: true); // 128 base64 characters

        Assert.Equal(2, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(128 + 4, text.Length);
    }

    [Fact]
    public void Encode_Empty_IsEmpty()
    {
        Assert.Equal(string.Empty, EstBase64.Encode([], wrapAt64: true));
    }

    [Fact]
    public void Encode_ThenDecode_RoundTripsThroughTheRequestDecoder()
    {
        byte[] der = [0x30, 0x03, 0x02, 0x01, 0x07];

        Assert.Equal(der, EstBodyDecoder.Decode(System.Text.Encoding.ASCII.GetBytes(EstBase64.Encode(der, wrapAt64: true))));
    }
}
