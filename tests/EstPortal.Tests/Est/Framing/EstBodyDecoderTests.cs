using System.Security.Cryptography;
using System.Text;
using EstPortal.Est.Framing;

namespace EstPortal.Tests.Est.Framing;

public class EstBodyDecoderTests
{
    private static readonly byte[] CsrDer = CreateCsr();

    [Fact]
    public void Decode_Base64OnOneLine_ReturnsDer()
    {
        Assert.Equal(CsrDer, EstBodyDecoder.Decode(Ascii(Convert.ToBase64String(CsrDer))));
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void Decode_Base64WrappedAt64_ReturnsDer(string newline)
    {
        var wrapped = EstBase64.Encode(CsrDer, wrapAt64: true).Replace("\r\n", newline, StringComparison.Ordinal);

        Assert.Equal(CsrDer, EstBodyDecoder.Decode(Ascii(wrapped)));
    }

    [Fact]
    public void Decode_Base64WrappedAt76WithSpacesAndSurroundingBlankLines_ReturnsDer()
    {
        var wrapped = "\r\n  " + Convert.ToBase64String(CsrDer, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", " \r\n\t", StringComparison.Ordinal) + "\r\n\r\n";

        Assert.Equal(CsrDer, EstBodyDecoder.Decode(Ascii(wrapped)));
    }

    [Theory]
    [InlineData("CERTIFICATE REQUEST")]
    [InlineData("NEW CERTIFICATE REQUEST")]
    public void Decode_Pem_ReturnsDer(string label)
    {
        var pem = "some text openssl req -text puts first\n" + new string(PemEncoding.Write(label, CsrDer)) + "\n";

        Assert.Equal(CsrDer, EstBodyDecoder.Decode(Ascii(pem)));
    }

    [Fact]
    public void Decode_PemWithOtherLabel_IsRejectedNamingTheLabel()
    {
        var pem = new string(PemEncoding.Write("CERTIFICATE", CsrDer));

        var ex = Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode(Ascii(pem)));

        Assert.Contains("'CERTIFICATE'", ex.Message);
    }

    [Fact]
    public void Decode_RawDer_ReturnsItUnchanged()
    {
        Assert.Equal(CsrDer, EstBodyDecoder.Decode(CsrDer));
    }

    [Fact]
    public void Decode_RawDerEndingInWhitespaceLikeByte_KeepsThatByte()
    {
        // SEQUENCE { OCTET STRING 0x0A }: the last byte is '\n' but belongs to the DER.
        byte[] der = [0x30, 0x03, 0x04, 0x01, 0x0A];

        Assert.Equal(der, EstBodyDecoder.Decode(der));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\r\n")]
    public void Decode_Empty_IsRejectedAsEmpty(string body)
    {
        var ex = Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode(Ascii(body)));

        Assert.Equal("the request body is empty", ex.Message);
    }

    [Theory]
    [InlineData("this is not base64!")]
    [InlineData("MIIB*abc")]
    [InlineData("MII")] // not a whole base64 quantum
    [InlineData("====")]
    [InlineData("{\"csr\":\"MIIB\"}")]
    public void Decode_Garbage_IsRejectedAsNotBase64PemOrDer(string body)
    {
        var ex = Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode(Ascii(body)));

        Assert.Equal("the request body is not valid base64, PEM or DER", ex.Message);
    }

    [Fact]
    public void Decode_BinaryNotStartingWithSequence_IsRejected()
    {
        var ex = Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode([0x04, 0x02, 0xFF, 0xFE]));

        Assert.Equal("the request body is not valid base64, PEM or DER", ex.Message);
    }

    [Fact]
    public void Decode_TruncatedBase64_IsRejectedAsIncomplete()
    {
        var base64 = Convert.ToBase64String(CsrDer);
        var truncated = base64[..(base64.Length / 2 / 4 * 4)];

        var ex = Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode(Ascii(truncated)));

        Assert.Equal(EstBodyDecoder.NotOneDerStructure, ex.Message);
    }

    [Fact]
    public void Decode_TruncatedDer_IsRejectedAsIncomplete()
    {
        var ex = Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode(CsrDer.AsSpan(0, CsrDer.Length - 10)));

        Assert.Equal(EstBodyDecoder.NotOneDerStructure, ex.Message);
    }

    [Fact]
    public void Decode_TruncatedPem_IsRejected()
    {
        var pem = new string(PemEncoding.Write("CERTIFICATE REQUEST", CsrDer));

        Assert.Throws<EstFramingException>(() => EstBodyDecoder.Decode(Ascii(pem[..(pem.Length / 2)])));
    }

    [Fact]
    public void Decode_RandomInputs_OnlyEverThrowEstFramingException()
    {
        var random = new Random(7030);
        for (var i = 0; i < 5_000; i++)
        {
            var body = new byte[random.Next(0, 64)];
            random.NextBytes(body);
            if (i % 3 == 0 && body.Length > 0)
            {
                body[0] = 0x30;
            }

            try
            {
                EstBodyDecoder.Decode(body);
            }
            catch (EstFramingException)
            {
            }
        }
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] CreateCsr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=framing", key, HashAlgorithmName.SHA256)
            .CreateSigningRequest();
    }
}
