using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Data;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>RFC 7030 §4.4: the server generates the key; the answer is multipart/mixed with the key and the certificate.</summary>
public sealed class ServerKeyGenTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task ServerKeyGen_ReturnsPkcs8KeyMatchingTheCertificate_AndKeepsNoCopy()
    {
        var device = await host.AddDeviceAsync("keygen-device", @"dns:{device}\.example");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/serverkeygen", TestCsr.Create("CN=keygen-device", ["keygen-device.example"]).Base64, Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await ReadPartsAsync(response);
        Assert.Equal(2, parts.Count);
        Assert.Equal("application/pkcs8", parts[0].ContentType);
        Assert.StartsWith("application/pkcs7-mime", parts[1].ContentType);
        Assert.Contains("smime-type=certs-only", parts[1].ContentType);
        var pkcs8 = Convert.FromBase64String(parts[0].Body);
        var certificate = Assert.Single(EstResponses.ReadCertsOnly(parts[1].Body));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.Equal("CN=keygen-device", certificate.Subject);
        Assert.True(host.ChainsToCa(certificate));

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        Assert.True(await db.IssuedCertificates.AnyAsync(c => c.SerialNumber == certificate.SerialNumber));
        // The server keeps no copy: the key bytes are nowhere in the database file.
        db.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE);");
        var file = await File.ReadAllBytesAsync(host.DatabasePath);
        Assert.Equal(-1, file.AsSpan().IndexOf(key.ExportParameters(includePrivateParameters: true).D));
    }

    [Fact]
    public async Task ServerKeyGen_RsaProfile_ReturnsAnRsa2048KeyMatchingTheCertificate()
    {
        await host.AddProfileAsync("rsa-keygen", "rsakeys", CsrPolicy.Default with { ServerKeyGeneration = new ServerKeyGenerationPolicy { KeyType = "RSA-2048" } });
        var device = await host.AddDeviceAsync("rsa-keygen-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/rsakeys/serverkeygen", TestCsr.Create("CN=rsa-keygen-device").Base64, Basic(device.Name, device.Secret));

        var parts = await ReadPartsAsync(response);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(parts[0].Body), out _);
        Assert.Equal(2048, rsa.KeySize);
        var certificate = Assert.Single(EstResponses.ReadCertsOnly(parts[1].Body));
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo());
    }

    [RequiresToolFact("openssl")]
    public async Task ServerKeyGen_EncryptionRequired_WrapsTheKeyForTheClientCertificate()
    {
        await host.AddProfileAsync("encrypted-keygen", "enckeys", CsrPolicy.Default with
        {
            ServerKeyGeneration = new ServerKeyGenerationPolicy { RequireEncryption = true },
            // The device's TLS certificate comes from the default profile (RFC 7030 §3.2.2 labels are separate otherwise).
            AcceptReenrollmentFrom = ["default"],
        });
        var device = await host.AddDeviceAsync("enc-keygen-device");
        var csr = TestCsr.Create("CN=enc-keygen-device");
        using (var plain = host.CreateEstClient())
        {
            // Without a TLS client certificate there is no key to encrypt to.
            using var refused = await PostAsync(plain, "/.well-known/est/enckeys/serverkeygen", csr.Base64, Basic(device.Name, device.Secret));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("TLS client certificate", await refused.Content.ReadAsStringAsync());
        }

        using var enrollClient = host.CreateEstClient();
        using var enrolled = await PostAsync(enrollClient, "/.well-known/est/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        var deviceCertificate = await EstResponses.ReadIssuedCertificateAsync(enrolled);
        using var client = host.CreateEstClient(csr.WithPrivateKey(deviceCertificate));

        using var response = await PostAsync(client, "/.well-known/est/enckeys/serverkeygen", TestCsr.Create("CN=enc-keygen-device").Base64, auth: null);

        var parts = await ReadPartsAsync(response);
        Assert.Equal("application/pkcs7-mime; smime-type=server-generated-key", parts[0].ContentType);
        // The device decrypts with its own key, as it would with openssl, and checks the CA's signature on the package.
        using var workspace = new ToolWorkspace();
        var envelope = workspace.Write("key.p7m", Convert.FromBase64String(parts[0].Body));
        var cert = workspace.Write("device.pem", deviceCertificate.ExportCertificatePem());
        var key = workspace.Write("device.key", ((ECDsa)csr.Key).ExportPkcs8PrivateKeyPem());
        var ca = workspace.WriteCaPem(host.CaCertificate);
        var decrypted = await ExternalTool.RunAsync("openssl", ["cms", "-decrypt", "-inform", "DER", "-binary", "-in", envelope, "-recip", cert, "-inkey", key, "-out", workspace.PathOf("signed.der")], null, ExternalTool.DefaultTimeout);
        Assert.True(decrypted.ExitCode == 0, decrypted.Stderr);
        // The enveloped content is a SignedData (RFC 7030 §4.4.2); openssl verifies it as a ContentInfo.
        var signedInfo = workspace.Write("signed.p7", AsContentInfo("1.2.840.113549.1.7.2", await File.ReadAllBytesAsync(workspace.PathOf("signed.der"))));
        var verified = await ExternalTool.RunAsync("openssl", ["cms", "-verify", "-inform", "DER", "-binary", "-in", signedInfo, "-CAfile", ca, "-purpose", "any", "-out", workspace.PathOf("package.der")], null, ExternalTool.DefaultTimeout);
        Assert.True(verified.ExitCode == 0, verified.Stderr);
        // RFC 5958 AsymmetricKeyPackage: a SEQUENCE of OneAsymmetricKey (PKCS#8 PrivateKeyInfo).
        var package = new System.Formats.Asn1.AsnReader(await File.ReadAllBytesAsync(workspace.PathOf("package.der")), System.Formats.Asn1.AsnEncodingRules.BER).ReadSequence();
        using var generated = ECDsa.Create();
        generated.ImportPkcs8PrivateKey(package.ReadEncodedValue().Span, out _);
        var certificate = Assert.Single(EstResponses.ReadCertsOnly(parts[1].Body));
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), generated.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task ServerKeyGen_AsymmetricDecryptKeyIdentifier_MustNameTheClientCertificatesKey()
    {
        var device = await host.AddDeviceAsync("keyid-device");
        var csr = TestCsr.Create("CN=keyid-device");
        using var enrollClient = host.CreateEstClient();
        using var enrolled = await PostAsync(enrollClient, "/.well-known/est/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        var deviceCertificate = await EstResponses.ReadIssuedCertificateAsync(enrolled);
        var subjectKeyIdentifier = deviceCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray();
        using var client = host.CreateEstClient(csr.WithPrivateKey(deviceCertificate));

        // RFC 7030 §4.4.1.2: the identifier names the key the device will decrypt with; ours is the TLS certificate's.
        using var matching = await PostAsync(client, "/.well-known/est/serverkeygen",
            TestCsr.CreateWithAttributes("CN=keyid-device", DecryptKeyIdentifier(subjectKeyIdentifier)).Base64, auth: null);
        var parts = await ReadPartsAsync(matching);
        Assert.Equal("application/pkcs7-mime; smime-type=server-generated-key", parts[0].ContentType);

        var other = subjectKeyIdentifier.ToArray();
        other[0] ^= 0xFF;
        using var mismatched = await PostAsync(client, "/.well-known/est/serverkeygen",
            TestCsr.CreateWithAttributes("CN=keyid-device", DecryptKeyIdentifier(other)).Base64, auth: null);
        var reason = await mismatched.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, mismatched.StatusCode);
        Assert.Contains("AsymmetricDecryptKeyIdentifier", reason);
        Assert.Contains(Convert.ToHexString(other), reason);
    }

    private static AsnEncodedData DecryptKeyIdentifier(byte[] keyIdentifier)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteOctetString(keyIdentifier);
        return new AsnEncodedData("1.2.840.113549.1.9.16.2.54", writer.Encode());
    }

    internal static byte[] AsContentInfo(string contentType, byte[] content)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(contentType);
            using (writer.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, isConstructed: true)))
                writer.WriteEncodedValue(content);
        }
        return writer.Encode();
    }

    internal static async Task<List<(string ContentType, string Body)>> ReadPartsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        var mediaType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/mixed", mediaType.MediaType);
        Assert.NotNull(response.Content.Headers.ContentLength);
        var boundary = mediaType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new MultipartReader(boundary, new MemoryStream(Encoding.ASCII.GetBytes(text)));
        var parts = new List<(string, string)>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            Assert.Equal("base64", section.Headers!["Content-Transfer-Encoding"].ToString());
            parts.Add((section.ContentType!, (await new StreamReader(section.Body).ReadToEndAsync()).Trim()));
        }
        return parts;
    }
}
