using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Pki;

public sealed class ServerKeyGeneratorTests
{
    [Theory]
    [InlineData("EC-P256", 256)]
    [InlineData("EC-P384", 384)]
    public void Generate_Ec_GivesAKeyOnTheCurveAndItsPkcs8(string typeName, int bits)
    {
        using var pool = new RsaKeyPool(capacityPerSize: 0);
        var generator = new ServerKeyGenerator(pool);

        using var generated = generator.Generate(ServerKeyType.Parse(typeName));

        var ecdsa = Assert.IsAssignableFrom<ECDsa>(generated.Key);
        Assert.Equal(bits, ecdsa.KeySize);
        using var imported = ECDsa.Create();
        imported.ImportPkcs8PrivateKey(generated.Pkcs8, out var read);
        Assert.Equal(generated.Pkcs8.Length, read);
        Assert.Equal(ecdsa.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());
        Assert.Equal(0, generator.PoolMisses);
    }

    [Fact]
    public void Generate_RsaWithAFilledPool_TakesThePooledKeyWithoutAMiss()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 1, sizes: [2048]);
        pool.Refill(CancellationToken.None);
        var generator = new ServerKeyGenerator(pool);

        using var generated = generator.Generate(ServerKeyType.Rsa2048);

        Assert.Equal(2048, Assert.IsAssignableFrom<RSA>(generated.Key).KeySize);
        Assert.Equal(0, pool.Available(2048));
        Assert.Equal(0, generator.PoolMisses);
    }

    [Fact]
    public void Generate_RsaWithAnEmptyPool_GeneratesOnTheSlowPathAndCountsTheMiss()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 1, sizes: [2048]);
        var generator = new ServerKeyGenerator(pool);

        using var generated = generator.Generate(ServerKeyType.Rsa2048);

        Assert.Equal(2048, generated.Key.KeySize);
        Assert.Equal(1, generator.PoolMisses);
    }

    [Fact]
    public void Dispose_ZeroesThePkcs8Buffer()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 0);
        var generated = new ServerKeyGenerator(pool).Generate(ServerKeyType.EcP256);
        var pkcs8 = generated.Pkcs8;

        generated.Dispose();

        Assert.All(pkcs8, b => Assert.Equal(0, b));
    }

    [RequiresToolFact("openssl")]
    public async Task Generate_Rsa_Pkcs8IsReadByOpenSsl()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 0);
        using var generated = new ServerKeyGenerator(pool).Generate(ServerKeyType.Rsa2048);

        var result = await ExternalTool.RunWithBinaryStdinAsync(
            "openssl", ["pkey", "-inform", "DER", "-noout", "-text"], generated.Pkcs8, ExternalTool.DefaultTimeout);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Private-Key: (2048 bit", result.Stdout, StringComparison.Ordinal);
    }

    [RequiresToolFact("openssl")]
    public async Task Generate_Ec_Pkcs8IsAPlainPrivateKeyInfoForOpenSsl()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 0);
        using var generated = new ServerKeyGenerator(pool).Generate(ServerKeyType.EcP384);
        using var workspace = new ToolWorkspace();
        var path = workspace.Write("key.p8", generated.Pkcs8);

        // `openssl pkcs8 -nocrypt` accepts only an unencrypted PrivateKeyInfo: what application/pkcs8 must carry.
        var result = await ExternalTool.RunAsync(
            "openssl", ["pkcs8", "-inform", "DER", "-nocrypt", "-in", path, "-outform", "PEM"], stdin: null, ExternalTool.DefaultTimeout);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", result.Stdout, StringComparison.Ordinal);
        var text = await ExternalTool.RunAsync(
            "openssl", ["pkey", "-inform", "DER", "-in", path, "-noout", "-text"], stdin: null, ExternalTool.DefaultTimeout);
        Assert.Contains("NIST CURVE: P-384", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerGeneratedKeyRequest_IssuedCertificate_CarriesTheGeneratedKeyAndTheClientsNames()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.CreateCa(clock);
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientCsr = TestPki.Csr(clientKey, "CN=keygen-device, O=Example", request =>
        {
            request.CertificateExtensions.Add(TestPki.DnsSan("keygen-device.example"));
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        });
        using var pool = new RsaKeyPool(capacityPerSize: 0);
        using var generated = new ServerKeyGenerator(pool).Generate(ServerKeyType.EcP384);

        var request = ServerGeneratedKeyRequest.Create(clientCsr, generated);
        using var issued = new CertificateIssuer(clock, new SerialNumberGenerator(TimeProvider.System)).Issue(ca, new IssuanceRequest(
            request, request.SubjectName, request.CertificateExtensions.ToList(), TimeSpan.FromDays(30))).Certificate;

        Assert.Equal(generated.PublicKey.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(clientKey.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(clientCsr.SubjectName.RawData, issued.SubjectName.RawData);
        var san = issued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["keygen-device.example"], san.EnumerateDnsNames());
        Assert.False(issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);

        // The pair works: the generated private key signs what the certificate's public key verifies.
        using var withKey = issued.CopyWithPrivateKey((ECDsa)generated.Key);
        var signature = withKey.GetECDsaPrivateKey()!.SignData("probe"u8, HashAlgorithmName.SHA384);
        Assert.True(issued.GetECDsaPublicKey()!.VerifyData("probe"u8, signature, HashAlgorithmName.SHA384));
    }
}
