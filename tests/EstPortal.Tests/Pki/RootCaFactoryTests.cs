using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public class RootCaFactoryTests
{
    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256, "1.2.840.10045.4.3.2")] // ecdsa-with-SHA256
    [InlineData(CaKeyAlgorithm.EcP384, "1.2.840.10045.4.3.3")] // ecdsa-with-SHA384
    [InlineData(CaKeyAlgorithm.Rsa2048, "1.2.840.113549.1.1.11")] // sha256WithRSAEncryption
    public void CreateRoot_EachAlgorithm_IsSelfSignedCaThatVerifies(CaKeyAlgorithm algorithm, string signatureOid)
    {
        var clock = TestPki.Clock();
        var factory = new RootCaFactory(clock, new SerialNumberGenerator(TimeProvider.System));

        using var key = TestPki.NewSoftwareKey(algorithm);
        using var root = factory.CreateRoot(RootCaFactory.DefaultSubject, key, RootCaFactory.DefaultValidity);

        Assert.False(root.HasPrivateKey);
        Assert.Equal("CN=EstPortal Root CA", root.Subject);
        Assert.Equal(root.Subject, root.Issuer);
        Assert.Equal(signatureOid, root.SignatureAlgorithm.Value);

        using var chain = TestPki.ChainTo(root, clock.GetUtcNow());
        Assert.True(chain.Build(root), TestPki.ChainStatus(chain));

        var basicConstraints = root.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basicConstraints.CertificateAuthority);
        Assert.True(basicConstraints.Critical);
        Assert.False(basicConstraints.HasPathLengthConstraint);

        var keyUsage = root.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(keyUsage.Critical);
        Assert.Equal(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature,
            keyUsage.KeyUsages);

        var ski = root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        var aki = root.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
    }

    [Fact]
    public void CreateRoot_Validity_StartsFiveMinutesBackAndEndsAfterValidity()
    {
        var clock = TestPki.Clock();
        using var key = TestPki.NewSoftwareKey();
        using var created = new RootCaFactory(clock, new SerialNumberGenerator(TimeProvider.System))
            .CreateRoot("CN=Validity CA", key, TimeSpan.FromDays(365));

        Assert.Equal(TestPki.Now.AddMinutes(-5), new DateTimeOffset(created.NotBefore.ToUniversalTime()));
        Assert.Equal(TestPki.Now.AddDays(365), new DateTimeOffset(created.NotAfter.ToUniversalTime()));
        Assert.Equal(16, created.SerialNumberBytes.Length);
    }

    [Fact]
    public void CreateRoot_PrivateKey_MatchesCertificate()
    {
        using var newKey = TestPki.NewSoftwareKey(CaKeyAlgorithm.EcP384);
        using var created = new RootCaFactory(TestPki.Clock(), new SerialNumberGenerator(TimeProvider.System))
            .CreateRoot("CN=Key CA", newKey, TimeSpan.FromDays(30));

        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(TestPki.Protector.Unprotect(newKey.Location.ProtectedPrivateKey), out _);
        using var withKey = created.CopyWithPrivateKey(key);

        Assert.True(withKey.HasPrivateKey);
        Assert.Equal(384, key.KeySize);
    }

    [Fact]
    public void CreateRoot_EmptySubject_Throws()
    {
        var factory = new RootCaFactory(TestPki.Clock(), new SerialNumberGenerator(TimeProvider.System));

        using var key = TestPki.NewSoftwareKey();
        Assert.Throws<ArgumentException>(() => factory.CreateRoot(" ", key, TimeSpan.FromDays(1)));
    }
}
