using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public sealed class SignerSelfTestTests
{
    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256)]
    [InlineData(CaKeyAlgorithm.EcP384)]
    [InlineData(CaKeyAlgorithm.Rsa2048)]
    public void Run_WorkingSigner_Verifies(CaKeyAlgorithm algorithm)
    {
        using var ca = TestPki.CreateCa(TestPki.Clock(), algorithm);

        Assert.Null(SignerSelfTest.Run(ca));
    }

    [Fact]
    public void Run_SignerWhoseKeyIsNotTheCertificates_ReportsTheMismatch()
    {
        using var ca = TestPki.CreateCa(TestPki.Clock());
        using var other = TestPki.CreateCa(TestPki.Clock(), subject: "CN=Other Root CA");

        var failure = SignerSelfTest.Run(new MismatchedSigner(ca, other));

        Assert.Contains("does not verify", failure);
    }

    /// <summary>A signer that signs with one CA's key but shows another CA's certificate (a broken key store).</summary>
    private sealed class MismatchedSigner(ICaSigner signing, ICaSigner shown) : ICaSigner
    {
        public Guid CaId => shown.CaId;
        public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate => shown.Certificate;
        public System.Security.Cryptography.X509Certificates.X509SignatureGenerator SignatureGenerator => signing.SignatureGenerator;
        public System.Security.Cryptography.HashAlgorithmName HashAlgorithm => signing.HashAlgorithm;
        public byte[] SignDigest(byte[] digest) => signing.SignDigest(digest);
    }
}
