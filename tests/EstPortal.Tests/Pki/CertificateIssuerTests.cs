using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

public sealed class CertificateIssuerTests : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly FakeTimeProvider _clock = TestPki.Clock();
    private readonly SoftwareCaSigner _ca;
    private readonly CertificateIssuer _issuer;

    public CertificateIssuerTests()
    {
        _ca = TestPki.CreateCa(_clock);
        _issuer = new CertificateIssuer(_clock, new SerialNumberGenerator(TimeProvider.System));
    }

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void Issue_EcCsr_ChainsToCaWithClientAuthAndCaChosenExtensions()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.Csr(key);

        var result = _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30)));
        using var cert = result.Certificate;

        Assert.False(cert.HasPrivateKey);
        Assert.Equal("CN=device-1", cert.Subject);
        Assert.Equal(_ca.Certificate.Subject, cert.Issuer);
        using var chain = TestPki.ChainTo(_ca.Certificate, _clock.GetUtcNow(), ClientAuth);
        Assert.True(chain.Build(cert), TestPki.ChainStatus(chain));

        var basicConstraints = cert.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(basicConstraints.CertificateAuthority);
        Assert.True(basicConstraints.Critical);
        var keyUsage = cert.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal([ClientAuth.Value], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));

        var caSki = _ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        var aki = cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(caSki.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
        Assert.Single(cert.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
    }

    [Fact]
    public void Issue_Result_ReportsSerialThumbprintAndKeyHashOfTheCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var result = _issuer.Issue(_ca, Request(TestPki.Csr(key), TimeSpan.FromDays(30)));

        Assert.Equal(result.Certificate.SerialNumber, result.SerialHex);
        Assert.Equal(16, result.Certificate.SerialNumberBytes.Length);
        Assert.Equal(result.Certificate.GetCertHashString(HashAlgorithmName.SHA256), result.Sha256Thumbprint);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), result.PublicKeySha256);
    }

    [Fact]
    public void Issue_CsrAskingForCaAndKeyCertSign_GetsEndEntityCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.Csr(key, extend: r =>
        {
            r.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            r.CertificateExtensions.Add(new X509KeyUsageExtension(
                X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            r.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        });
        Assert.Equal(3, csr.CertificateExtensions.Count); // the loader kept what was asked for

        using var cert = _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30))).Certificate;

        Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal(
            [ClientAuth.Value],
            cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
    }

    [Fact]
    public void Issue_RsaCsrForServer_HasKeyEnciphermentAndServerAuth()
    {
        using var key = RSA.Create(2048);

        using var cert = _issuer.Issue(_ca, Request(TestPki.Csr(key), TimeSpan.FromDays(30), CertificatePurpose.ServerAuth)).Certificate;

        Assert.Equal(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        using var chain = TestPki.ChainTo(_ca.Certificate, _clock.GetUtcNow(), ServerAuth);
        Assert.True(chain.Build(cert), TestPki.ChainStatus(chain));
    }

    [Fact]
    public void Issue_ClientAndServer_HasBothUsages()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        using var cert = _issuer.Issue(_ca, Request(TestPki.Csr(key), TimeSpan.FromDays(1), CertificatePurpose.ClientAndServerAuth)).Certificate;

        Assert.Equal(
            [ClientAuth.Value, ServerAuth.Value],
            cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
    }

    [Fact]
    public void Issue_SanGiven_IsCopiedIntoCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(TestPki.Csr(key), TimeSpan.FromDays(30)) with
        {
            SubjectAlternativeNames = [TestPki.DnsSan("device-1.example.com", "device-1.local")],
        };

        using var cert = _issuer.Issue(_ca, request).Certificate;

        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["device-1.example.com", "device-1.local"], san.EnumerateDnsNames());
        Assert.False(san.Critical);
    }

    [Fact]
    public void Issue_EmptySubjectWithSan_MarksSanCritical()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(TestPki.Csr(key), TimeSpan.FromDays(30)) with
        {
            Subject = new X500DistinguishedName(""),
            SubjectAlternativeNames = [TestPki.DnsSan("device-1.example.com")],
        };

        using var cert = _issuer.Issue(_ca, request).Certificate;

        Assert.Equal(string.Empty, cert.Subject);
        Assert.True(cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Critical);
    }

    [Fact]
    public void Issue_EmptySubjectWithoutSan_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(TestPki.Csr(key), TimeSpan.FromDays(30)) with { Subject = new X500DistinguishedName("") };

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, request));
        Assert.Equal("the certificate would have neither a subject nor a subjectAltName", ex.Message);
    }

    [Fact]
    public void Issue_ValidityBeyondCa_IsClampedToCaNotAfter()
    {
        using var shortCa = TestPki.CreateCa(_clock, validity: TimeSpan.FromDays(90));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var cert = _issuer.Issue(shortCa, Request(TestPki.Csr(key), TimeSpan.FromDays(5 * 365))).Certificate;

        Assert.Equal(shortCa.Certificate.NotAfter, cert.NotAfter);
    }

    [Fact]
    public void Issue_Validity_StartsFiveMinutesBackAndLastsAsRequested()
    {
        _clock.Advance(TimeSpan.FromDays(1)); // the CA (created at Now - 5 min) is well established
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var cert = _issuer.Issue(_ca, Request(TestPki.Csr(key), TimeSpan.FromDays(30))).Certificate;

        var now = _clock.GetUtcNow();
        Assert.Equal(now.AddMinutes(-5), new DateTimeOffset(cert.NotBefore.ToUniversalTime()));
        Assert.Equal(now.AddDays(30), new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public void Issue_CaExpired_IsRefused()
    {
        using var shortCa = TestPki.CreateCa(_clock, validity: TimeSpan.FromDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(TestPki.Csr(key), TimeSpan.FromDays(30));
        _clock.Advance(TimeSpan.FromDays(2));

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(shortCa, request));
        Assert.Equal("the CA certificate has expired", ex.Message);
    }

    [Fact]
    public void Issue_Rsa1024Csr_IsRefusedWithReason()
    {
        using var key = RSA.Create(1024);

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(TestPki.Csr(key), TimeSpan.FromDays(30))));

        Assert.Equal("key RSA-1024 is below the minimum RSA-2048", ex.Message);
    }

    [Fact]
    public void Issue_EcKeyOnUnsupportedCurve_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10")); // secp256k1

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(TestPki.Csr(key), TimeSpan.FromDays(30))));

        Assert.Equal("key EC curve 1.3.132.0.10 is not supported (use P-256, P-384 or P-521)", ex.Message);
    }

    [Fact]
    public void Issue_EcPointOffTheCurve_IsRefused()
    {
        // A CSR object carrying a P-256 point that is not on the curve (one bit of y flipped). CsrLoader would already
        // refuse such a request, since its signature cannot verify; the CA checks again on its own (ADR 0010).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        byte[] point = [0x04, .. q.X!, .. q.Y!];
        point[^1] ^= 0x01;
        var csr = CsrWithKeyValue("CN=off-curve", key, point);

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30))));

        Assert.Equal("the EC public key is not a valid P-256 point", ex.Message);
    }

    [Fact]
    public void Issue_RsaKeyThatIsNotAnRsaPublicKeyStructure_IsRefused()
    {
        using var key = RSA.Create(2048);
        var csr = CsrWithKeyValue("CN=bad-rsa", key, [0x30, 0x03, 0x02, 0x01, 0x05]);

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30))));

        Assert.Equal("the RSA public key cannot be read", ex.Message);
    }

    [Fact]
    public void Issue_RsaKeyWithEvenExponent_IsRefused()
    {
        using var key = RSA.Create(2048);
        var modulus = key.ExportParameters(false).Modulus!;
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(modulus);
            writer.WriteInteger(65536);
        }
        var csr = CsrWithKeyValue("CN=even-e", key, writer.Encode());

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30))));

        Assert.Equal("the RSA public exponent is invalid", ex.Message);
    }

    /// <summary>A CSR object whose public key has <paramref name="key"/>'s algorithm and parameters but other key bits.</summary>
    private static CertificateRequest CsrWithKeyValue(string subject, AsymmetricAlgorithm key, byte[] keyValue)
    {
        var real = new PublicKey(key);
        var altered = new PublicKey(real.Oid, real.EncodedParameters, new AsnEncodedData(real.Oid, keyValue));
        return new CertificateRequest(new X500DistinguishedName(subject), altered, HashAlgorithmName.SHA256);
    }

    [Fact]
    public void Issue_Ed25519PublicKey_IsRefused()
    {
        // An Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) with an arbitrary 32-byte key.
        var spki = Convert.FromHexString("302A300506032B6570032100" + new string('1', 64));
        var csr = new CertificateRequest(new X500DistinguishedName("CN=ed"), PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _), HashAlgorithmName.SHA256);

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30))));

        Assert.Equal("key algorithm Ed25519 is not supported", ex.Message);
    }

    [Fact]
    public void Issue_CsrWithTheCaOwnKey_IsRefused()
    {
        var csr = new CertificateRequest(new X500DistinguishedName("CN=sneaky"), _ca.Certificate.PublicKey, HashAlgorithmName.SHA256);

        var ex = Assert.Throws<IssuanceRefusedException>(() => _issuer.Issue(_ca, Request(csr, TimeSpan.FromDays(30))));

        Assert.Equal("the request uses the CA's own public key", ex.Message);
    }

    [Fact]
    public void Issue_RsaCa_SignsCertificateThatChains()
    {
        using var rsaCa = TestPki.CreateCa(_clock, CaKeyAlgorithm.Rsa2048);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var cert = _issuer.Issue(rsaCa, Request(TestPki.Csr(key), TimeSpan.FromDays(30))).Certificate;

        Assert.Equal("1.2.840.113549.1.1.11", cert.SignatureAlgorithm.Value);
        using var chain = TestPki.ChainTo(rsaCa.Certificate, _clock.GetUtcNow());
        Assert.True(chain.Build(cert), TestPki.ChainStatus(chain));
    }

    [Fact]
    public void Issue_NonSanExtensionPassedAsSan_ThrowsArgumentException()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(TestPki.Csr(key), TimeSpan.FromDays(30)) with
        {
            SubjectAlternativeNames = [new X509BasicConstraintsExtension(true, false, 0, true)],
        };

        Assert.Throws<ArgumentException>(() => _issuer.Issue(_ca, request));
    }

    [RequiresToolFact("openssl")]
    public async Task Issue_Certificate_OpenSslVerifiesItForClientAuth()
    {
        // openssl checks validity against the real clock, so issue at the real now.
        using var ca = TestPki.CreateCa(TimeProvider.System);
        var issuer = new CertificateIssuer(TimeProvider.System, new SerialNumberGenerator(TimeProvider.System));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = issuer.Issue(ca, Request(TestPki.Csr(key), TimeSpan.FromDays(30))).Certificate;
        var caFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(caFile, ca.Certificate.ExportCertificatePem());

            var result = await ExternalTool.RunAsync(
                "openssl",
                ["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", caFile],
                cert.ExportCertificatePem(),
                TimeSpan.FromSeconds(30));

            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            Assert.Contains("OK", result.Stdout);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    private static IssuanceRequest Request(CertificateRequest csr, TimeSpan validity, CertificatePurpose purpose = CertificatePurpose.ClientAuth) =>
        new(csr, csr.SubjectName, null, validity, purpose);
}
