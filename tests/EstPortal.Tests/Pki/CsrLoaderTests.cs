using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Pki;

public class CsrLoaderTests
{
    private readonly CsrLoader _loader = new();

    [Fact]
    public void Load_ValidCsr_ReturnsRequestWithRequestedExtensionsKept()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = TestPki.CsrDer(key, "CN=device-1", r =>
            r.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true)));

        var csr = _loader.Load(der);

        Assert.Equal("CN=device-1", csr.SubjectName.Name);
        Assert.Single(csr.CertificateExtensions.OfType<X509BasicConstraintsExtension>());
    }

    [Fact]
    public void Load_TamperedSubject_ReportsSignatureFailure()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = TestPki.CsrDer(key, "CN=device-1");
        var at = der.AsSpan().IndexOf("device-1"u8);
        der[at + 7] = (byte)'2';

        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(der));

        Assert.Equal("the CSR signature does not verify", ex.Message);
    }

    [Fact]
    public void Load_EcdsaSignatureWithAZeroPaddedInteger_AsStrongSwansTpmPluginWritesIt_IsVerifiedAndAccepted()
    {
        var padded = TestCsr.CreateWithPaddedSignature("CN=tpm-device");
        // The platform alone refuses it: that is what the repair is for (ADR 0031).
        Assert.ThrowsAny<CryptographicException>(() => CertificateRequest.LoadSigningRequest(padded.Der, HashAlgorithmName.SHA256));

        var csr = _loader.Load(padded.Der);

        Assert.Equal("CN=tpm-device", csr.SubjectName.Name);
        Assert.Equal(((ECDsa)padded.Key).ExportSubjectPublicKeyInfo(), csr.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Load_ZeroPaddedEcdsaSignatureThatIsWrong_IsStillRefused()
    {
        var padded = TestCsr.CreateWithPaddedSignature("CN=tpm-device");
        var der = (byte[])padded.Der.Clone();
        der[^2] ^= 0x01; // inside s: the repair re-encodes, it does not make a wrong signature right

        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(der));

        Assert.Equal(CsrLoader.SignatureDoesNotVerify, ex.Message);
    }

    [Fact]
    public void Load_ZeroPaddedEcdsaSignatureOverATamperedSubject_IsStillRefused()
    {
        var padded = TestCsr.CreateWithPaddedSignature("CN=tpm-device");
        var der = (byte[])padded.Der.Clone();
        der[der.AsSpan().IndexOf("tpm-device"u8)] = (byte)'x';

        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(der));

        Assert.Equal(CsrLoader.SignatureDoesNotVerify, ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("3000")]
    [InlineData("30820000")]
    [InlineData("0c0568656c6c6f")] // UTF8String "hello"
    public void Load_Garbage_ReportsNotPkcs10(string hex)
    {
        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(Convert.FromHexString(hex)));

        Assert.Equal("the request body is not a PKCS#10 certification request", ex.Message);
    }

    [Fact]
    public void Load_CertificateInsteadOfCsr_ReportsNotPkcs10()
    {
        using var ca = TestPki.CreateCa(TestPki.Clock());

        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(ca.Certificate.RawData));

        Assert.Equal("the request body is not a PKCS#10 certification request", ex.Message);
    }

    [Fact]
    public void Load_TruncatedOrExtended_ReportsNotPkcs10()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = TestPki.CsrDer(key);

        Assert.Equal(CsrLoader.NotPkcs10, Assert.Throws<CsrRejectedException>(() => _loader.Load(der[..^5])).Message);
        Assert.Equal(CsrLoader.NotPkcs10, Assert.Throws<CsrRejectedException>(() => _loader.Load([.. der, 0x00])).Message);
    }

    [Fact]
    public void Load_EveryByteFlippedAndEveryTruncation_OnlyEverThrowsCsrRejected()
    {
        using var key = RSA.Create(2048);
        var der = TestPki.CsrDer(key, extend: r => r.CertificateExtensions.Add(TestPki.DnsSan("a.example")));

        for (var i = 0; i < der.Length; i++)
        {
            var mutated = (byte[])der.Clone();
            mutated[i] ^= 0xFF;
            AssertLoadsOrRejects(mutated);
            AssertLoadsOrRejects(der[..i]);
        }
    }

    [Fact]
    public void Load_ZeroPaddedEcdsaSignatureFollowedByMoreBytes_IsStillRefused()
    {
        // The repair only rewrites r and s; it must not also drop whatever else the signature field carries.
        var request = new AsnReader(TestCsr.CreateWithPaddedSignature("CN=tpm-device").Der, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(request.ReadEncodedValue().Span);
            writer.WriteEncodedValue(request.ReadEncodedValue().Span);
            writer.WriteBitString([.. request.ReadBitString(out _), 0x05, 0x00]);
        }

        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(writer.Encode()));

        Assert.Equal(CsrLoader.SignatureDoesNotVerify, ex.Message);
    }

    [Fact]
    public void Load_ZeroPaddedEcdsaSignature_EveryByteFlippedAndEveryTruncation_OnlyEverThrowsCsrRejected()
    {
        // The repair parses the signature by hand (ADR 0031); no mutation of it may escape as another exception.
        var der = TestCsr.CreateWithPaddedSignature("CN=tpm-device").Der;

        for (var i = 0; i < der.Length; i++)
        {
            var mutated = (byte[])der.Clone();
            mutated[i] ^= 0xFF;
            AssertLoadsOrRejects(mutated);
            mutated[i] ^= 0x7F; // 0x80 flipped: lengths, tags and sign bits
            AssertLoadsOrRejects(mutated);
            AssertLoadsOrRejects(der[..i]);
        }
    }

    [Fact]
    public void ReadChallengePassword_Utf8String_ReturnsIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = _loader.Load(TestPki.CsrDer(key, extend: r => AddChallengePassword(r, UniversalTagNumber.UTF8String, "tls-unique-ü")));

        Assert.Equal("tls-unique-ü", _loader.ReadChallengePassword(csr));
    }

    [Fact]
    public void ReadChallengePassword_PrintableString_ReturnsIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = _loader.Load(TestPki.CsrDer(key, extend: r => AddChallengePassword(r, UniversalTagNumber.PrintableString, "AbC123+/=")));

        Assert.Equal("AbC123+/=", _loader.ReadChallengePassword(csr));
    }

    [Fact]
    public void ReadChallengePassword_Absent_ReturnsNull()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Null(_loader.ReadChallengePassword(_loader.Load(TestPki.CsrDer(key))));
    }

    [Fact]
    public void ReadChallengePassword_NotAString_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = _loader.Load(TestPki.CsrDer(key, extend: r =>
            r.OtherRequestAttributes.Add(new AsnEncodedData(CsrLoader.ChallengePasswordOid, [0x02, 0x01, 0x05]))));

        Assert.Throws<CsrRejectedException>(() => _loader.ReadChallengePassword(csr));
    }

    [RequiresToolFact("openssl")]
    public async Task Load_OpenSslCsrWithChallengePassword_VerifiesAndReadsPassword()
    {
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, """
                [req]
                distinguished_name = dn
                attributes = attrs
                prompt = no
                [dn]
                CN = ossl-device
                [attrs]
                challengePassword = s3cret-Value
                """);
            var result = await ExternalTool.RunAsync(
                "openssl",
                ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
                 "-config", config],
                stdin: null,
                TimeSpan.FromSeconds(30));
            Assert.True(result.ExitCode == 0, result.Stderr);

            var fields = PemEncoding.Find(result.Stdout);
            var der = Convert.FromBase64String(result.Stdout[fields.Base64Data]);
            var csr = _loader.Load(der);

            Assert.Equal("CN=ossl-device", csr.SubjectName.Name);
            Assert.Equal("s3cret-Value", _loader.ReadChallengePassword(csr));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [RequiresToolFact("openssl")]
    public async Task Load_Ed25519CsrFromOpenSsl_SaysTheAlgorithmIsNotSupported()
    {
        var result = await ExternalTool.RunAsync(
            "openssl",
            ["req", "-new", "-newkey", "ed25519", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=ed-device"],
            stdin: null,
            TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var fields = PemEncoding.Find(result.Stdout);

        var ex = Assert.Throws<CsrRejectedException>(() => _loader.Load(Convert.FromBase64String(result.Stdout[fields.Base64Data])));

        Assert.Equal("the CSR key algorithm Ed25519 is not supported", ex.Message);
    }

    private void AssertLoadsOrRejects(byte[] input)
    {
        try
        {
            var csr = _loader.Load(input);
            _ = _loader.ReadChallengePassword(csr);
        }
        catch (CsrRejectedException)
        {
        }
    }

    private static void AddChallengePassword(CertificateRequest request, UniversalTagNumber type, string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(type, value);
        request.OtherRequestAttributes.Add(new AsnEncodedData(CsrLoader.ChallengePasswordOid, writer.Encode()));
    }
}
