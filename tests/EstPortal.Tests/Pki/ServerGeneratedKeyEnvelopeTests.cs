using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace EstPortal.Tests.Pki;

public sealed class ServerGeneratedKeyEnvelopeTests : IDisposable
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string AsymmetricKeyPackageOid = "2.16.840.1.101.2.1.2.78.5";

    private readonly SoftwareCaSigner _ca = TestPki.CreateCa(TestPki.Clock(), subject: "CN=Keygen Root CA");
    private readonly RsaKeyPool _pool = new(capacityPerSize: 0);
    private readonly GeneratedKey _generated;

    public ServerGeneratedKeyEnvelopeTests()
    {
        _generated = new ServerKeyGenerator(_pool).Generate(ServerKeyType.EcP256);
    }

    public void Dispose()
    {
        _generated.Dispose();
        _pool.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public void Encrypt_RsaRecipient_IsEnvelopedSignedKeyPackageThatTheRecipientOpens()
    {
        using var recipientKey = RSA.Create(2048);
        using var recipient = IssueTo(recipientKey);

        var der = ServerGeneratedKeyEnvelope.SignedBy(_ca).Encrypt(_generated.Pkcs8, recipient);

        // An independent CMS implementation decrypts with the recipient's private key ...
        var enveloped = new CmsEnvelopedData(der);
        var recipientInfo = enveloped.GetRecipientInfos().GetRecipients().Single();
        Assert.Equal("1.2.840.113549.1.1.7", recipientInfo.KeyEncryptionAlgOid); // RSAES-OAEP
        Assert.Equal("2.16.840.1.101.3.4.1.2", enveloped.EncryptionAlgOid); // AES-128-CBC for RSA-2048
        var inner = recipientInfo.GetContent(DotNetUtilities.GetRsaKeyPair(recipientKey).Private);

        // ... finds a SignedData by the CA over an AsymmetricKeyPackage holding exactly our PKCS#8.
        var signed = new CmsSignedData(ContentInfo(inner));
        Assert.Equal(AsymmetricKeyPackageOid, signed.SignedContentType.Id);
        var signer = signed.GetSignerInfos().GetSigners().Single();
        Assert.True(signer.Verify(new BcCertificate(_ca.Certificate.RawData)));
        using var content = new MemoryStream();
        signed.SignedContent.Write(content);
        Assert.Equal(_generated.Pkcs8, SinglePkcs8(content.ToArray()));
    }

    [Fact]
    public void Encrypt_Pkcs1Configured_UsesRsaEncryptionKeyTransport()
    {
        using var recipientKey = RSA.Create(2048);
        using var recipient = IssueTo(recipientKey);

        var der = ServerGeneratedKeyEnvelope.SignedBy(_ca, RsaKeyTransport.Pkcs1V15).Encrypt(_generated.Pkcs8, recipient);

        var recipientInfo = new CmsEnvelopedData(der).GetRecipientInfos().GetRecipients().Single();
        Assert.Equal("1.2.840.113549.1.1.1", recipientInfo.KeyEncryptionAlgOid);
    }

    [Fact]
    public void Encrypt_EcRecipientWithoutKeyAgreementUsage_IsRefused()
    {
        // A certificate certified for signatures only: ECDH to it would use the key against its certified purpose
        // (RFC 5280 §4.2.1.3).
        using var recipientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var recipient = SelfSigned(recipientKey, X509KeyUsageFlags.DigitalSignature);

        var ex = Assert.Throws<IssuanceRefusedException>(
            () => ServerGeneratedKeyEnvelope.SignedBy(_ca).Encrypt(_generated.Pkcs8, recipient));
        Assert.Contains("keyAgreement", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypt_RsaRecipientWithoutKeyEnciphermentUsage_IsRefused()
    {
        using var recipientKey = RSA.Create(2048);
        using var recipient = SelfSigned(recipientKey, X509KeyUsageFlags.DigitalSignature);

        Assert.Throws<IssuanceRefusedException>(
            () => ServerGeneratedKeyEnvelope.SignedBy(_ca).Encrypt(_generated.Pkcs8, recipient));
    }

    [Fact]
    public void Encrypt_RsaRecipientBelow2048Bits_IsRefused()
    {
        using var recipientKey = RSA.Create(1024);
        using var recipient = SelfSigned(recipientKey, X509KeyUsageFlags.KeyEncipherment);

        var ex = Assert.Throws<IssuanceRefusedException>(
            () => ServerGeneratedKeyEnvelope.SignedBy(_ca).Encrypt(_generated.Pkcs8, recipient));
        Assert.Contains("RSA-1024", ex.Message, StringComparison.Ordinal);
    }

    [RequiresToolFact("openssl")]
    public Task Encrypt_RsaOaep_OpenSslDecryptsAndVerifiesTheKey() =>
        RoundTripThroughOpenSsl(RSA.Create(2048), RsaKeyTransport.OaepSha256, "rsaesOaep");

    [RequiresToolFact("openssl")]
    public Task Encrypt_RsaPkcs1_OpenSslDecryptsAndVerifiesTheKey() =>
        RoundTripThroughOpenSsl(RSA.Create(2048), RsaKeyTransport.Pkcs1V15, "rsaEncryption");

    [RequiresToolFact("openssl")]
    public Task Encrypt_EcP256KeyAgreement_OpenSslDecryptsAndVerifiesTheKey() =>
        RoundTripThroughOpenSsl(ECDsa.Create(ECCurve.NamedCurves.nistP256), RsaKeyTransport.OaepSha256, "dhSinglePass-stdDH-sha256kdf-scheme");

    [RequiresToolFact("openssl")]
    public Task Encrypt_EcP384KeyAgreement_OpenSslDecryptsAndVerifiesTheKey() =>
        RoundTripThroughOpenSsl(ECDsa.Create(ECCurve.NamedCurves.nistP384), RsaKeyTransport.OaepSha256, "dhSinglePass-stdDH-sha384kdf-scheme");

    private async Task RoundTripThroughOpenSsl(AsymmetricAlgorithm recipientKey, RsaKeyTransport transport, string expectedAlgorithm)
    {
        using var key = recipientKey;
        using var recipient = recipientKey is RSA rsa
            ? IssueTo(rsa)
            : SelfSigned(recipientKey, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement);
        var der = ServerGeneratedKeyEnvelope.SignedBy(_ca, transport).Encrypt(_generated.Pkcs8, recipient);
        using var workspace = new ToolWorkspace();
        var envelope = workspace.Write("key.p7", der);

        var printed = await OpenSsl("cms", "-cmsout", "-print", "-inform", "DER", "-in", envelope);
        Assert.Contains("contentType: pkcs7-envelopedData", printed, StringComparison.Ordinal);
        Assert.Contains(expectedAlgorithm, printed, StringComparison.Ordinal);
        Assert.Contains("contentType: pkcs7-signedData", printed, StringComparison.Ordinal);

        // The client's step 1 (RFC 7030 §4.4.2): decrypt the EnvelopedData with its own certificate and key.
        await OpenSsl(
            "cms", "-decrypt", "-inform", "DER", "-in", envelope, "-binary",
            "-recip", workspace.Write("recipient.pem", recipient.ExportCertificatePem()),
            "-inkey", workspace.Write("recipient.key", key.ExportPkcs8PrivateKeyPem()),
            "-out", workspace.PathOf("signed.der"));

        // Step 2: verify the server's signature, which yields the AsymmetricKeyPackage.
        var signedData = await File.ReadAllBytesAsync(workspace.PathOf("signed.der"));
        await OpenSsl(
            "cms", "-verify", "-inform", "DER", "-in", workspace.Write("signed.p7", ContentInfo(signedData)), "-binary",
            "-CAfile", workspace.WriteCaPem(_ca.Certificate), "-purpose", "any",
            "-out", workspace.PathOf("package.der"));

        var package = await File.ReadAllBytesAsync(workspace.PathOf("package.der"));
        Assert.Equal(_generated.Pkcs8, SinglePkcs8(package));
    }

    private static async Task<string> OpenSsl(params string[] arguments)
    {
        var result = await ExternalTool.RunAsync("openssl", arguments, stdin: null, ExternalTool.DefaultTimeout);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', arguments)}: {result.Stderr}");
        return result.Stdout;
    }

    private X509Certificate2 IssueTo(AsymmetricAlgorithm key)
    {
        var csr = TestPki.Csr(key, "CN=keygen-recipient");
        return new CertificateIssuer(TestPki.Clock(), new SerialNumberGenerator(TimeProvider.System))
            .Issue(_ca, new IssuanceRequest(csr, csr.SubjectName, null, TimeSpan.FromDays(30)))
            .Certificate;
    }

    private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key, X509KeyUsageFlags usages)
    {
        var request = key switch
        {
            ECDsa ec => new CertificateRequest("CN=recipient", ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest("CN=recipient", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new NotSupportedException(),
        };
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usages, critical: true));
        using var withKey = request.CreateSelfSigned(TestPki.Now.AddDays(-1), TestPki.Now.AddDays(30));
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    private static byte[] ContentInfo(byte[] signedData)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SignedDataOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                writer.WriteEncodedValue(signedData);
            }
        }

        return writer.Encode();
    }

    // RFC 5958 §2: AsymmetricKeyPackage ::= SEQUENCE SIZE (1..MAX) OF OneAsymmetricKey.
    private static byte[] SinglePkcs8(byte[] asymmetricKeyPackage)
    {
        var reader = new AsnReader(asymmetricKeyPackage, AsnEncodingRules.DER);
        var keys = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var key = keys.ReadEncodedValue().ToArray();
        keys.ThrowIfNotEmpty();
        return key;
    }
}
