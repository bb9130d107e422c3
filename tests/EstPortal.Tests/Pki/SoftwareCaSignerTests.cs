using System.Security.Cryptography;
using EstPortal.Pki;
using Microsoft.AspNetCore.DataProtection;

namespace EstPortal.Tests.Pki;

public class SoftwareCaSignerTests
{
    private readonly CaKeyProtector _protector = new(new EphemeralDataProtectionProvider());
    private readonly RootCaFactory _factory = new(TestPki.Clock(), new SerialNumberGenerator());

    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256, "SHA256")]
    [InlineData(CaKeyAlgorithm.EcP384, "SHA384")]
    [InlineData(CaKeyAlgorithm.Rsa2048, "SHA256")]
    public void Constructor_MatchingKey_ExposesCertificateWithoutPrivateKey(CaKeyAlgorithm algorithm, string hash)
    {
        var created = _factory.CreateRoot("CN=Signer CA", algorithm, TimeSpan.FromDays(30));
        var id = Guid.NewGuid();

        using var signer = new SoftwareCaSigner(
            id, created.Certificate.RawData, _protector.Protect(created.Pkcs8PrivateKey), _protector);

        Assert.Equal(id, signer.CaId);
        Assert.Equal(created.Certificate.RawData, signer.Certificate.RawData);
        Assert.False(signer.Certificate.HasPrivateKey);
        Assert.Equal(hash, signer.HashAlgorithm.Name);
        Assert.Equal(created.Certificate.PublicKey.EncodedKeyValue.RawData, signer.SignatureGenerator.PublicKey.EncodedKeyValue.RawData);
    }

    [Fact]
    public void Constructor_KeyOfAnotherCaOfSameType_ThrowsInvalidOperation()
    {
        var a = _factory.CreateRoot("CN=CA A", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(30));
        var b = _factory.CreateRoot("CN=CA B", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(30));

        var ex = Assert.Throws<InvalidOperationException>(() =>
            new SoftwareCaSigner(Guid.NewGuid(), a.Certificate.RawData, _protector.Protect(b.Pkcs8PrivateKey), _protector));
        Assert.Contains("does not match", ex.Message);
    }

    [Fact]
    public void Constructor_RsaKeyForEcCertificate_ThrowsInvalidOperation()
    {
        var ec = _factory.CreateRoot("CN=EC CA", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(30));
        using var rsa = RSA.Create(2048);

        Assert.Throws<InvalidOperationException>(() =>
            new SoftwareCaSigner(Guid.NewGuid(), ec.Certificate.RawData, _protector.Protect(rsa.ExportPkcs8PrivateKey()), _protector));
    }

    [Fact]
    public void Constructor_KeyProtectedByAnotherKeyRing_ThrowsCryptographicException()
    {
        var created = _factory.CreateRoot("CN=Ring CA", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(30));
        var foreign = new CaKeyProtector(new EphemeralDataProtectionProvider());

        Assert.ThrowsAny<CryptographicException>(() =>
            new SoftwareCaSigner(Guid.NewGuid(), created.Certificate.RawData, foreign.Protect(created.Pkcs8PrivateKey), _protector));
    }

    [Fact]
    public void PublicSurface_HasNoMemberReturningAKey()
    {
        var keyTypes = new[] { typeof(AsymmetricAlgorithm), typeof(byte[]) };
        var members = typeof(SoftwareCaSigner).GetProperties().Select(p => p.PropertyType)
            .Concat(typeof(SoftwareCaSigner).GetMethods().Select(m => m.ReturnType));

        Assert.DoesNotContain(members, t => keyTypes.Any(k => k.IsAssignableFrom(t)));
    }
}
