using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using EstPortal.Tests.Interop;
using EstPortal.Tests.Support;
using EstPortal.Tpm;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Tpm;

/// <summary>
/// TPM-attested enrollment end to end against a software TPM of the test's own whose EK certificate chains to a vendor
/// root of our own (docs/adr/0022-tpm-attested-enrollment.md): the device posts its EK certificate, EK and key public
/// areas to tpm/attest, recovers the token with tpm2_activatecredential and enrolls with curl. Each refusal is tested
/// with its reason and its audit row. The device's commands are the README's.
/// </summary>
public sealed class TpmAttestationTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string KeyHandle = "0x81000002";
    private const string OtherKeyHandle = "0x81000003";

    [RequiresSoftwareTpmFact]
    public async Task AttestedKey_EnrollsWithTheTokenFromActivateCredential_CertificateCarriesTheTpmKeyAndTheEkIsRecorded_TheTokenWorksOnce()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var label = await RequiringProfileAsync(tpm);
        var key = await tpm.CreateSigningKeyAsync(dir, KeyHandle);
        var name = "tpm-attested-" + Suffix();

        var attest = await AttestAsync(tpm, dir, label, key.PublicAreaFile);
        Assert.True(attest.Status == 200, $"tpm/attest answered {attest.Status}: {attest.Body}");
        var token = await ActivateAsync(tpm, dir, KeyHandle);
        Assert.Equal(32, token.Length);

        var request = await TpmKeyClientTests.CsrAsync(tpm, dir, KeyHandle, name);
        var enrolled = await EnrollAsync(tpm, dir, "enroll", label, token, request);
        Assert.True(enrolled.Status == 200, $"simpleenroll answered {enrolled.Status}: {enrolled.Body}");
        var certificate = await TpmKeyClientTests.CertificateFromAsync(tpm, dir, "enroll");
        Assert.Equal(key.SubjectPublicKeyInfo, certificate.PublicKey.ExportSubjectPublicKeyInfo());

        var ekSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir.PathOf("ek.der"))));
        await using (var db = await DbAsync())
        {
            var issued = await db.IssuedCertificates.AsNoTracking().Include(c => c.Device).SingleAsync(c => c.CertificateDer == certificate.RawData);
            Assert.Equal(ekSha256, issued.TpmEkSha256);
            Assert.Equal("CN=swtpm-localca", issued.TpmEkIssuer);
            Assert.Equal(ekSha256, issued.Device!.TpmEkSha256);
            Assert.Equal(name, issued.Device.Name);
            Assert.True(await db.AuditEvents.AnyAsync(e => e.EventType == AuditEventTypes.TpmAttest && e.Outcome == AuditOutcomes.Success
                && e.Details!.Contains(ekSha256)));
        }

        // The same blob activates again in the same TPM, but the token it carries is spent.
        var replayed = await ActivateAsync(tpm, dir, KeyHandle);
        Assert.Equal(token, replayed);
        var again = await EnrollAsync(tpm, dir, "again", label, replayed, request);
        Assert.Equal(401, again.Status);
        Assert.Contains("already been used", again.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.Enroll, "already been used");
    }

    [RequiresSoftwareTpmFact]
    public async Task KeyWithoutFixedTpm_IsRefusedWithTheReasonAndAudited()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var label = await RequiringProfileAsync(tpm);
        var key = await tpm.CreateSigningKeyAsync(dir, KeyHandle, attributes: "sensitivedataorigin|userwithauth|sign");

        var attest = await AttestAsync(tpm, dir, label, key.PublicAreaFile);

        Assert.Equal(400, attest.Status);
        Assert.Contains("key-attributes: the key lacks fixedTPM", attest.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.TpmAttest, "key-attributes: the key lacks fixedTPM");
    }

    [RequiresSoftwareTpmFact]
    public async Task SoftwareKeyLoadedIntoTheTpm_IsRefused_ItsPrivatePartWasNotBornThere()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var label = await RequiringProfileAsync(tpm);
        // openssl genpkey …; tpm2_loadexternal -C n -G ecc -r soft.key.pem -c soft.ctx; tpm2_readpublic -c soft.ctx -f tss -o soft.pub
        await tpm.RunAsync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", dir.PathOf("soft.key.pem")], dir.Root);
        await tpm.RunAsync("tpm2_loadexternal", ["-C", "n", "-G", "ecc", "-r", dir.PathOf("soft.key.pem"), "-c", dir.PathOf("soft.ctx")], dir.Root);
        await tpm.RunAsync("tpm2_readpublic", ["-c", dir.PathOf("soft.ctx"), "-f", "tss", "-o", dir.PathOf("soft.pub")], dir.Root);

        var attest = await AttestAsync(tpm, dir, label, dir.PathOf("soft.pub"));

        Assert.Equal(400, attest.Status);
        Assert.Contains("key-attributes: the key lacks fixedTPM", attest.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.TpmAttest, "key-attributes: the key lacks fixedTPM");
    }

    [RequiresSoftwareTpmFact]
    public async Task EkCertificateFromAForeignRoot_IsRefusedWithTheReasonAndAudited()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        // The profile trusts another vendor's root only.
        using var foreignKey = RSA.Create(2048);
        var foreignRequest = new CertificateRequest("CN=Some Other TPM Vendor Root", foreignKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        foreignRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var foreign = foreignRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var label = await RequiringProfileAsync(tpm, foreign.ExportCertificatePem());
        var key = await tpm.CreateSigningKeyAsync(dir, KeyHandle);

        var attest = await AttestAsync(tpm, dir, label, key.PublicAreaFile);

        Assert.Equal(400, attest.Status);
        Assert.Contains("ek-certificate: the EK certificate does not chain to a TPM vendor root this profile accepts", attest.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.TpmAttest, "ek-certificate: the EK certificate does not chain");
    }

    [RequiresSoftwareTpmFact]
    public async Task EkPublicAreaThatIsNotTheCertificatesKey_IsRefusedWithTheReasonAndAudited()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var label = await RequiringProfileAsync(tpm);
        var key = await tpm.CreateSigningKeyAsync(dir, KeyHandle);
        // The storage key's public area posed as the EK's: a TPM key, but not the one the certificate names.
        await tpm.RunAsync("tpm2_readpublic", ["-c", SoftwareTpm.StorageKeyHandle, "-f", "tss", "-o", dir.PathOf("srk.pub")], dir.Root);

        var attest = await AttestAsync(tpm, dir, label, key.PublicAreaFile, ekPublic: dir.PathOf("srk.pub"));

        Assert.Equal(400, attest.Status);
        Assert.Contains("ek-public: the EK public area's key is not the EK certificate's key", attest.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.TpmAttest, "ek-public: the EK public area's key is not the EK certificate's key");
    }

    [RequiresSoftwareTpmFact]
    public async Task CsrWithAnotherKey_IsRefusedByTheAttestedKeyRule_AndTheTokenIsNotSpent()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var label = await RequiringProfileAsync(tpm);
        await tpm.CreateSigningKeyAsync(dir, KeyHandle);
        await tpm.CreateSigningKeyAsync(dir, OtherKeyHandle, name: "other");
        var attest = await AttestAsync(tpm, dir, label, dir.PathOf("device.pub"));
        Assert.True(attest.Status == 200, $"tpm/attest answered {attest.Status}: {attest.Body}");
        var token = await ActivateAsync(tpm, dir, KeyHandle);
        var name = "tpm-otherkey-" + Suffix();

        var otherRequest = await TpmKeyClientTests.CsrAsync(tpm, dir, OtherKeyHandle, name);
        var refused = await EnrollAsync(tpm, dir, "other", label, token, otherRequest);

        Assert.Equal(400, refused.Status);
        Assert.Contains("attested-key: the CSR's public key is not the key the TPM attested", refused.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.Enroll, "attested-key: the CSR's public key is not the key the TPM attested");
        var request = await TpmKeyClientTests.CsrAsync(tpm, dir, KeyHandle, name);
        var enrolled = await EnrollAsync(tpm, dir, "enroll", label, token, request);
        Assert.True(enrolled.Status == 200, $"the attested key's CSR then answered {enrolled.Status}: {enrolled.Body}");
    }

    [RequiresSoftwareTpmFact]
    public async Task ProfileRequiringAttestation_RefusesAnOrdinaryToken()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var label = await RequiringProfileAsync(tpm);
        await tpm.CreateSigningKeyAsync(dir, KeyHandle);
        var token = await host.IssueTokenAsync();
        var request = await TpmKeyClientTests.CsrAsync(tpm, dir, KeyHandle, "tpm-plain-" + Suffix());

        var refused = await EnrollAsync(tpm, dir, "plain", label, token.Token, request);

        Assert.Equal(403, refused.Status);
        Assert.Contains("tpm-attestation: this profile requires a key attested by a TPM", refused.Body, StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.Enroll, "tpm-attestation: this profile requires a key attested by a TPM");
    }

    [Fact]
    public async Task GarbageParts_AreA400NamingThePart_AndABodyThatIsNotMultipartIs415()
    {
        using var vendorKey = RSA.Create(2048);
        var vendor = new CertificateRequest("CN=Garbage Test TPM Vendor", vendorKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        vendor.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = vendor.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var label = await RequiringProfileAsync(null, root.ExportCertificatePem());
        using var client = host.CreateEstClient();
        var url = $"/.well-known/est/{label}/tpm/attest";

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([1, 2, 3]), "ek-certificate", "ek.der" },
            { new ByteArrayContent([0, 1]), "ek-public", "ek.pub" },
            { new ByteArrayContent([0, 1]), "key-public", "key.pub" },
        };
        var garbage = await client.PostAsync(url, form);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal("text/plain", garbage.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ek-certificate: not an X.509 certificate", await garbage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertAuditedAsync(AuditEventTypes.TpmAttest, "ek-certificate: not an X.509 certificate");

        var plain = await client.PostAsync(url, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        var noProfile = await client.PostAsync("/.well-known/est/nosuchlabel/tpm/attest", new MultipartFormDataContent());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, noProfile.StatusCode);
    }

    /// <summary>A TpmEndorsement anchor (the software TPM's vendor root unless given) and a profile that requires attestation through it.</summary>
    private async Task<string> RequiringProfileAsync(SoftwareTpm? tpm, string? anchorPem = null)
    {
        var suffix = Suffix();
        var anchor = await host.Services.GetRequiredService<TrustAnchorAdmin>().AddAsync("tpm-vendor-" + suffix,
            anchorPem ?? tpm!.EkRootCertificate.ExportCertificatePem(), TrustAnchorPurpose.TpmEndorsement, "test");
        Assert.True(anchor.Succeeded, anchor.Error);
        var label = "tpm" + suffix;
        await host.AddProfileAsync("tpm-" + suffix, label, CsrPolicy.Default with
        {
            TpmAttestation = new TpmAttestationPolicy { Required = true, EkTrust = ["tpm-vendor-" + suffix] },
        });
        return label;
    }

    /// <summary>
    /// The device's side: <c>tpm2_nvread 0x1c00002 -o ek.der</c>, <c>tpm2_readpublic -c 0x81010001 -f tss -o ek.pub</c>, then
    /// <c>curl -F ek-certificate=@ek.der -F ek-public=@ek.pub -F key-public=@device.pub -F ek-chain=@ek-chain.pem …/LABEL/tpm/attest -o cred.blob</c>.
    /// </summary>
    private async Task<(int Status, string Body)> AttestAsync(SoftwareTpm tpm, ToolWorkspace dir, string label, string keyPublic, string? ekPublic = null)
    {
        var caPem = dir.WriteCaPem(host.CaCertificate);
        await tpm.RunAsync("tpm2_nvread", [SoftwareTpm.EkCertificateIndex, "-o", dir.PathOf("ek.der")], dir.Root);
        await tpm.RunAsync("tpm2_readpublic", ["-c", SoftwareTpm.EkHandle, "-f", "tss", "-o", dir.PathOf("ek.pub")], dir.Root);
        dir.Write("ek-chain.pem", tpm.EkIssuerCertificate.ExportCertificatePem() + "\n");
        return await TpmKeyClientTests.CurlAsync(tpm, dir, "cred.blob", ["--cacert", caPem,
            "-F", "ek-certificate=@" + dir.PathOf("ek.der"), "-F", "ek-public=@" + (ekPublic ?? dir.PathOf("ek.pub")),
            "-F", "key-public=@" + keyPublic, "-F", "ek-chain=@" + dir.PathOf("ek-chain.pem"), $"{host.EstUrl}/.well-known/est/{label}/tpm/attest"]);
    }

    /// <summary>
    /// <c>tpm2_startauthsession --policy-session -S session.ctx</c>, <c>tpm2_policysecret -S session.ctx -c e</c>,
    /// <c>tpm2_activatecredential -c KEY -C 0x81010001 -i cred.blob.out -o token.txt -P session:session.ctx</c>,
    /// <c>tpm2_flushcontext session.ctx</c>: the EK's authorisation is a policy on the endorsement hierarchy.
    /// </summary>
    private static async Task<string> ActivateAsync(SoftwareTpm tpm, ToolWorkspace dir, string keyHandle)
    {
        var session = dir.PathOf("session.ctx");
        await tpm.RunAsync("tpm2_startauthsession", ["--policy-session", "-S", session], dir.Root);
        await tpm.RunAsync("tpm2_policysecret", ["-S", session, "-c", "e"], dir.Root);
        await tpm.RunAsync("tpm2_activatecredential", ["-c", keyHandle, "-C", SoftwareTpm.EkHandle, "-i", dir.PathOf("cred.blob.out"),
            "-o", dir.PathOf("token.txt"), "-P", "session:" + session], dir.Root);
        await tpm.RunAsync("tpm2_flushcontext", [session], dir.Root);
        return File.ReadAllText(dir.PathOf("token.txt"));
    }

    /// <summary><c>curl --cacert ca.pem -H "Authorization: Bearer $(cat token.txt)" --data-binary @device.req.b64 …/LABEL/simpleenroll</c>.</summary>
    private async Task<(int Status, string Body)> EnrollAsync(SoftwareTpm tpm, ToolWorkspace dir, string name, string label, string token, string request) =>
        await TpmKeyClientTests.CurlAsync(tpm, dir, name, ["--cacert", dir.WriteCaPem(host.CaCertificate), "-H", $"Authorization: Bearer {token}",
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + request, $"{host.EstUrl}/.well-known/est/{label}/simpleenroll"]);

    private async Task AssertAuditedAsync(string eventType, string reason)
    {
        await using var db = await DbAsync();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.EventType == eventType && e.Outcome == AuditOutcomes.Failure && e.Reason!.Contains(reason)),
            $"no {eventType} refusal with '{reason}' in the audit log");
    }

    private Task<EstPortalDbContext> DbAsync() =>
        host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
