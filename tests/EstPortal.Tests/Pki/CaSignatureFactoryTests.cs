using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace EstPortal.Tests.Pki;

public sealed class CaSignatureFactoryTests
{
    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256, "1.2.840.10045.4.3.2")]
    [InlineData(CaKeyAlgorithm.EcP384, "1.2.840.10045.4.3.3")]
    [InlineData(CaKeyAlgorithm.Rsa2048, "1.2.840.113549.1.1.11")]
    public void Signature_MadeThroughCaSigner_VerifiesWithCaCertificateKeyUnderAdvertisedAlgorithm(CaKeyAlgorithm algorithm, string expectedOid)
    {
        using var ca = TestPki.CreateCa(TestPki.Clock(), algorithm);
        var factory = new CaSignatureFactory(ca);
        var message = "tbs bytes as BouncyCastle would write them"u8.ToArray();

        var calculator = factory.CreateCalculator();
        calculator.Stream.Write(message, 0, 10);
        calculator.Stream.Write(message, 10, message.Length - 10);
        calculator.Stream.Dispose();
        var signature = calculator.GetResult().Collect();

        Assert.Equal(expectedOid, factory.AlgorithmIdentifier.Algorithm.Id);
        Assert.Equal(ca.Certificate.SignatureAlgorithm.Value, factory.AlgorithmIdentifier.Algorithm.Id);
        // BouncyCastle's own verifier, given only the CA certificate, accepts the signature for the advertised algorithm.
        var publicKey = new X509CertificateParser().ReadCertificate(ca.Certificate.RawData).GetPublicKey();
        var verifier = SignerUtilities.GetSigner(factory.AlgorithmIdentifier.Algorithm);
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(message, 0, message.Length);
        Assert.True(verifier.VerifySignature(signature));
    }

    [Fact]
    public void BlockResult_CollectIntoBufferAndSpan_GiveTheSameSignature()
    {
        using var ca = TestPki.CreateCa(TestPki.Clock());
        var calculator = new CaSignatureFactory(ca).CreateCalculator();
        calculator.Stream.Write([1, 2, 3], 0, 3);
        IBlockResult result = calculator.GetResult();

        var viaArray = new byte[result.GetMaxResultLength() + 2];
        var written = result.Collect(viaArray, 2);
        Span<byte> viaSpan = new byte[result.GetMaxResultLength()];
        result.Collect(viaSpan);

        Assert.Equal(result.Collect(), viaArray[2..(2 + written)]);
        Assert.Equal(result.Collect(), viaSpan.ToArray());
        using var key = ca.Certificate.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(new byte[] { 1, 2, 3 }, result.Collect(), ca.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence));
    }
}
