using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Pki;
using Microsoft.AspNetCore.DataProtection;

namespace EstPortal.Tests.CaKeys;

public class SoftwareCaSignerTests
{
    private readonly CaKeyProtector _protector = TestPki.Protector;
    private readonly RootCaFactory _factory = new(TestPki.Clock(), new SerialNumberGenerator(TimeProvider.System));

    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256, "SHA256")]
    [InlineData(CaKeyAlgorithm.EcP384, "SHA384")]
    [InlineData(CaKeyAlgorithm.Rsa2048, "SHA256")]
    public void Constructor_MatchingKey_ExposesCertificateWithoutPrivateKey(CaKeyAlgorithm algorithm, string hash)
    {
        var (certificate, key) = Create("CN=Signer CA", algorithm);
        var id = Guid.NewGuid();

        using var signer = new SoftwareCaSigner(id, certificate.RawData, key, _protector);

        Assert.Equal(id, signer.CaId);
        Assert.Equal(certificate.RawData, signer.Certificate.RawData);
        Assert.False(signer.Certificate.HasPrivateKey);
        Assert.Equal(hash, signer.HashAlgorithm.Name);
        Assert.Equal(certificate.PublicKey.EncodedKeyValue.RawData, signer.SignatureGenerator.PublicKey.EncodedKeyValue.RawData);
    }

    [Fact]
    public void Constructor_KeyOfAnotherCaOfSameType_ThrowsInvalidOperation()
    {
        var a = Create("CN=CA A", CaKeyAlgorithm.EcP256);
        var b = Create("CN=CA B", CaKeyAlgorithm.EcP256);

        var ex = Assert.Throws<InvalidOperationException>(() =>
            new SoftwareCaSigner(Guid.NewGuid(), a.Certificate.RawData, b.ProtectedKey, _protector));
        Assert.Contains("does not match", ex.Message);
    }

    [Fact]
    public void Constructor_RsaKeyForEcCertificate_ThrowsInvalidOperation()
    {
        var ec = Create("CN=EC CA", CaKeyAlgorithm.EcP256);
        using var rsa = RSA.Create(2048);

        Assert.Throws<InvalidOperationException>(() =>
            new SoftwareCaSigner(Guid.NewGuid(), ec.Certificate.RawData, _protector.Protect(rsa.ExportPkcs8PrivateKey()), _protector));
    }

    [Fact]
    public void Constructor_KeyProtectedByAnotherKeyRing_ThrowsCryptographicException()
    {
        var foreign = new CaKeyProtector(new EphemeralDataProtectionProvider());
        using var key = new SoftwareCaKeyBackend(foreign).Generate(CaKeyAlgorithm.EcP256, "ring");
        using var certificate = _factory.CreateRoot("CN=Ring CA", key, TimeSpan.FromDays(30));

        Assert.ThrowsAny<CryptographicException>(() =>
            new SoftwareCaSigner(Guid.NewGuid(), certificate.RawData, key.Location.ProtectedPrivateKey, _protector));
    }

    private (System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, byte[] ProtectedKey) Create(string subject, CaKeyAlgorithm algorithm)
    {
        using var key = TestPki.NewSoftwareKey(algorithm);
        return (_factory.CreateRoot(subject, key, TimeSpan.FromDays(30)), key.Location.ProtectedPrivateKey);
    }

    [Fact]
    public void PublicSurface_HasNoMemberReturningAKey()
    {
        // SignDigest returns bytes: a signature, which the certificate's public key verifies (next test), not the key.
        var keyTypes = new[] { typeof(AsymmetricAlgorithm), typeof(byte[]) };
        var members = typeof(SoftwareCaSigner).GetProperties().Select(p => p.PropertyType)
            .Concat(typeof(SoftwareCaSigner).GetMethods().Where(m => m.Name != nameof(SoftwareCaSigner.SignDigest)).Select(m => m.ReturnType));

        Assert.DoesNotContain(members, t => keyTypes.Any(k => k.IsAssignableFrom(t)));
    }

    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256)]
    [InlineData(CaKeyAlgorithm.EcP384)]
    [InlineData(CaKeyAlgorithm.Rsa2048)]
    public void SignDigest_IsTheSignatureTheGeneratorWouldMakeOverTheData_VerifiedByTheCertificate(CaKeyAlgorithm algorithm)
    {
        // Streamed CRLs are signed by digest (ADR 0030): the result must verify exactly as SignatureGenerator's does —
        // a DER ECDSA-Sig-Value or an RSASSA-PKCS1-v1_5 signature under the CA's hash.
        var (certificate, key) = Create("CN=Digest CA", algorithm);
        using var signer = new SoftwareCaSigner(Guid.NewGuid(), certificate.RawData, key, _protector);
        var data = RandomNumberGenerator.GetBytes(5000);

        var signature = signer.SignDigest(CryptographicOperations.HashData(signer.HashAlgorithm, data));

        Assert.NotEqual(key, signature);
        using var ec = certificate.GetECDsaPublicKey();
        using var rsa = certificate.GetRSAPublicKey();
        Assert.True(ec is not null
            ? ec.VerifyData(data, signature, signer.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence)
            : rsa!.VerifyData(data, signature, signer.HashAlgorithm, RSASignaturePadding.Pkcs1));
        byte[] other = [.. data, 0];
        Assert.False(ec is not null
            ? ec.VerifyData(other, signature, signer.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence)
            : rsa!.VerifyData(other, signature, signer.HashAlgorithm, RSASignaturePadding.Pkcs1));
    }
}
