using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Est.Framing;
using EstPortal.Pki;

namespace EstPortal.Tests.Est.Framing;

public sealed class TlsUniqueBindingTests
{
    // A TLS 1.2 Finished message is 12 bytes (RFC 5246 §7.4.9), which is what tls-unique holds (RFC 5929 §3.1).
    private static readonly byte[] TlsUnique = Convert.FromHexString("0A1B2C3D4E5F60718293A4B5");

    [Fact]
    public void Check_Base64OfThisSessionsValue_Matches()
    {
        Assert.Equal(LinkingResult.Match, TlsUniqueBinding.Check(Convert.ToBase64String(TlsUnique), TlsUnique));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Check_NoChallengePassword_IsMissing(string? challengePassword)
    {
        Assert.Equal(LinkingResult.Missing, TlsUniqueBinding.Check(challengePassword, TlsUnique));
    }

    [Fact]
    public void Check_ValueOfAnotherSession_IsAMismatch()
    {
        var other = (byte[])TlsUnique.Clone();
        other[^1] ^= 1;

        Assert.Equal(LinkingResult.Mismatch, TlsUniqueBinding.Check(Convert.ToBase64String(other), TlsUnique));
    }

    [Theory]
    [InlineData("not base64!")]
    // A bootstrap password where the binding was expected.
    [InlineData("s3cret-token")]
    // The hex form of the right value: right bytes, wrong encoding.
    [InlineData("0A1B2C3D4E5F60718293A4B5")]
    public void Check_ValueThatIsNotTheBase64OfTheBinding_IsAMismatch(string challengePassword)
    {
        Assert.Equal(LinkingResult.Mismatch, TlsUniqueBinding.Check(challengePassword, TlsUnique));
    }

    [Fact]
    public void Check_PrefixOfTheValue_IsAMismatch()
    {
        Assert.Equal(LinkingResult.Mismatch, TlsUniqueBinding.Check(Convert.ToBase64String(TlsUnique[..9]), TlsUnique));
    }

    [Fact]
    public void Check_NoChannelBinding_IsACallerError()
    {
        Assert.Throws<ArgumentException>(() => TlsUniqueBinding.Check(Convert.ToBase64String(TlsUnique), ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Check_Csr_ReadsTheChallengePasswordTheClientSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=linked-device", key, HashAlgorithmName.SHA256);
        var password = new AsnWriter(AsnEncodingRules.DER);
        password.WriteCharacterString(UniversalTagNumber.UTF8String, Convert.ToBase64String(TlsUnique));
        request.OtherRequestAttributes.Add(new AsnEncodedData(CsrLoader.ChallengePasswordOid, password.Encode()));
        var csr = new CsrLoader().Load(request.CreateSigningRequest());

        Assert.Equal(LinkingResult.Match, TlsUniqueBinding.Check(csr, TlsUnique));
        Assert.Equal(LinkingResult.Mismatch, TlsUniqueBinding.Check(csr, new byte[12]));
    }
}
