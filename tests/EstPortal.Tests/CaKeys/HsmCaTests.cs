using System.Net;
using System.Security.Cryptography;
using System.Text;
using EstPortal.Admin;
using EstPortal.CaKeys;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Pki;
using EstPortal.Policy;
using EstPortal.Tests.Integration;
using EstPortal.Tests.Lifecycle;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.CaKeys;

/// <summary>
/// CAs whose keys are generated in and never leave a SoftHSM2 token, used through the real app: what they sign over
/// EST, CRL and OCSP verifies with openssl, the token shows the keys sensitive and never extractable, and the
/// database holds only a reference to them.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class HsmCaTests
{
    [RequiresSoftHsmFact]
    public async Task HsmRootAndIssuingCa_CertificateCrlOcspAndServerKeyGenAnswers_VerifyWithOpenSsl()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await using var host = await StartAsync(token);
        var root = await CreateAsync(host, new NewCaRequest("hsm-root", "CN=HSM Root CA", CaKeyAlgorithm.EcP384, 3650, null, null, CaKeyStores.Pkcs11));
        var issuing = await CreateAsync(host, new NewCaRequest("hsm-issuing", "CN=HSM Issuing CA", CaKeyAlgorithm.Rsa2048, 365, 0, root.Id, CaKeyStores.Pkcs11));
        await AddProfileAsync(host, "hsm", "hsm-issuing", CsrPolicy.Default with { ServerKeyGeneration = new ServerKeyGenerationPolicy { RequireEncryption = true } });
        using var dir = new ToolWorkspace();
        dir.Write("root.pem", Pem(root));
        dir.Write("issuing.pem", Pem(issuing));
        dir.Write("chain.pem", Pem(issuing) + Pem(root));

        // A certificate issued over EST: openssl verify -CAfile root.pem -untrusted issuing.pem leaf.pem
        var device = await host.AddDeviceAsync("hsm-device");
        var csr = TestCsr.Create("CN=hsm-device");
        using var client = host.CreateEstClient();
        using var enrolled = await PostAsync(client, "/.well-known/est/hsm/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        var leaf = await EstResponses.ReadIssuedCertificateAsync(enrolled);
        dir.Write("leaf.pem", leaf.ExportCertificatePem() + "\n");
        var verified = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "leaf.pem");
        Assert.True(verified.ExitCode == 0, LifecycleSteps.Output(verified));
        Assert.Equal("CN=HSM Issuing CA", leaf.Issuer);

        // The CA's CRL: openssl crl -inform DER -in crl.der -CAfile chain.pem -noout -verify
        using var plain = LifecycleSteps.PlainHttpClient(host.PublicUrl);
        dir.Write("crl.der", await plain.GetByteArrayAsync($"/crl/{issuing.Id:N}.crl"));
        var crl = await LifecycleSteps.RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "chain.pem", "-noout", "-verify");
        Assert.True(crl.ExitCode == 0 && crl.Stderr.Contains("verify OK", StringComparison.Ordinal), LifecycleSteps.Output(crl));

        // OCSP: openssl ocsp -issuer issuing.pem -cert leaf.pem -url …/ocsp -CAfile chain.pem -no_nonce
        var ocsp = await LifecycleSteps.RunAsync(dir, "openssl", "ocsp", "-issuer", "issuing.pem", "-cert", "leaf.pem",
            "-url", host.PublicUrl + "/ocsp", "-CAfile", "chain.pem", "-no_nonce");
        Assert.True(ocsp.ExitCode == 0, LifecycleSteps.Output(ocsp));
        Assert.Contains("Response verify OK", ocsp.Stderr + ocsp.Stdout);
        Assert.Contains("leaf.pem: good", ocsp.Stdout);

        // A server-generated key: the SignedData around it is signed by the HSM CA (RFC 7030 §4.4.2).
        using var tlsClient = host.CreateEstClient(csr.WithPrivateKey(leaf));
        using var keygen = await PostAsync(tlsClient, "/.well-known/est/hsm/serverkeygen", TestCsr.Create("CN=hsm-device").Base64, auth: null);
        var parts = await ServerKeyGenTests.ReadPartsAsync(keygen);
        dir.Write("key.p7m", Convert.FromBase64String(parts[0].Body));
        dir.Write("device.key", ((ECDsa)csr.Key).ExportPkcs8PrivateKeyPem());
        var decrypted = await LifecycleSteps.RunAsync(dir, "openssl", "cms", "-decrypt", "-inform", "DER", "-binary", "-in", "key.p7m",
            "-recip", "leaf.pem", "-inkey", "device.key", "-out", "signed.der");
        Assert.True(decrypted.ExitCode == 0, LifecycleSteps.Output(decrypted));
        dir.Write("signed.p7", ServerKeyGenTests.AsContentInfo("1.2.840.113549.1.7.2", File.ReadAllBytes(dir.PathOf("signed.der"))));
        var signedData = await LifecycleSteps.RunAsync(dir, "openssl", "cms", "-verify", "-inform", "DER", "-binary", "-in", "signed.p7",
            "-CAfile", "chain.pem", "-purpose", "any", "-out", "package.der");
        Assert.True(signedData.ExitCode == 0, LifecycleSteps.Output(signedData));
    }

    [RequiresSoftHsmFact]
    public async Task HsmCaKey_IsSensitiveAndNeverExtractable_AndTheDatabaseHoldsOnlyItsReference()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await using var host = await StartAsync(token);
        var ca = await CreateAsync(host, new NewCaRequest("hsm-only", "CN=HSM Only CA", CaKeyAlgorithm.EcP256, 365, null, null, CaKeyStores.Pkcs11));

        // pkcs11-tool --module … --login --list-objects --type privkey
        var listed = await token.ListPrivateKeysAsync();
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.Contains("label:      hsm-only", listed.Stdout);
        Assert.Contains("Access:     sensitive, always sensitive, never extractable, local", listed.Stdout);

        var row = await RowAsync(host, ca.Id);
        Assert.Equal(CaKeyStores.Pkcs11, row.KeyStore);
        Assert.Empty(row.ProtectedPrivateKey);
        Assert.StartsWith("pkcs11:token=EstPortal%20Test;object=hsm-only;id=", row.KeyReference);
        // Neither the PIN nor any Data Protection payload for this CA is anywhere in the database file.
        host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContext().Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE)");
        var file = await File.ReadAllBytesAsync(host.DatabasePath);
        Assert.Equal(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(SoftHsmToken.Pin)));
        Assert.Equal(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token.PinFile)));
    }

    [RequiresSoftHsmFact]
    public async Task IntermediatesAcrossStores_SoftwareUnderHsmRoot_AndHsmUnderSoftwareRoot_Verify()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await using var host = await StartAsync(token);
        var hsmRoot = await CreateAsync(host, new NewCaRequest("hsm-root", "CN=HSM Root", CaKeyAlgorithm.EcP256, 3650, null, null, CaKeyStores.Pkcs11));
        var softwareUnderHsm = await CreateAsync(host, new NewCaRequest("sw-under-hsm", "CN=Software under HSM", CaKeyAlgorithm.EcP256, 365, null, hsmRoot.Id));
        var softwareRoot = await host.Services.GetRequiredService<EstPortal.Enrollment.CertificateAuthorities>().FindDefaultAsync();
        var hsmUnderSoftware = await CreateAsync(host, new NewCaRequest("hsm-under-sw", "CN=HSM under software", CaKeyAlgorithm.EcP384, 365, null, softwareRoot!.Id, CaKeyStores.Pkcs11));
        using var dir = new ToolWorkspace();
        dir.Write("hsm-root.pem", Pem(hsmRoot));
        dir.Write("sw-root.pem", Pem(softwareRoot));
        dir.Write("sw-under-hsm.pem", Pem(softwareUnderHsm));
        dir.Write("hsm-under-sw.pem", Pem(hsmUnderSoftware));

        var first = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-CAfile", "hsm-root.pem", "sw-under-hsm.pem");
        var second = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-CAfile", "sw-root.pem", "hsm-under-sw.pem");

        Assert.True(first.ExitCode == 0, LifecycleSteps.Output(first));
        Assert.True(second.ExitCode == 0, LifecycleSteps.Output(second));
        Assert.Equal(CaKeyStores.Software, (await RowAsync(host, softwareUnderHsm.Id)).KeyStore);
        Assert.Equal(CaKeyStores.Pkcs11, (await RowAsync(host, hsmUnderSoftware.Id)).KeyStore);
    }

    [RequiresSoftHsmFact]
    public async Task HsmRoot_RollsOverToANewKeyInTheToken_WithLinkCertificatesThatVerify()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await using var host = await StartAsync(token);
        var old = await CreateAsync(host, new NewCaRequest("hsm-roll", "CN=HSM Rolling Root", CaKeyAlgorithm.EcP256, 3650, null, null, CaKeyStores.Pkcs11));

        var rolled = await host.Services.GetRequiredService<CertificateAuthorityAdmin>().RolloverAsync("hsm-roll", "test");

        Assert.True(rolled.Succeeded, rolled.Error);
        var replacement = rolled.Value!;
        Assert.Equal(CaKeyStores.Pkcs11, replacement.KeyStore);
        Assert.NotEqual(old.KeyReference, replacement.KeyReference);
        using var dir = new ToolWorkspace();
        dir.Write("old.pem", Pem(old));
        dir.Write("new.pem", Pem(replacement));
        dir.Write("new-with-old.pem", X509Pem(replacement.NewWithOldDer!));
        dir.Write("old-with-new.pem", X509Pem(replacement.OldWithNewDer!));
        // NewWithOld is signed by the old key, OldWithNew by the new one.
        var newWithOld = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-CAfile", "old.pem", "new-with-old.pem");
        var oldWithNew = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-CAfile", "new.pem", "old-with-new.pem");
        Assert.True(newWithOld.ExitCode == 0, LifecycleSteps.Output(newWithOld));
        Assert.True(oldWithNew.ExitCode == 0, LifecycleSteps.Output(oldWithNew));
        var keys = await token.ListPrivateKeysAsync();
        Assert.Equal(2, keys.Stdout.Split("label:      hsm-roll").Length - 1);
    }

    internal static async Task<EstPortalHost> StartAsync(SoftHsmToken token, Dictionary<string, string?>? more = null)
    {
        var settings = token.Settings;
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        var host = EstPortalHost.Create(extraSettings: settings);
        try
        {
            await host.InitializeAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    internal static async Task<CertificateAuthority> CreateAsync(EstPortalHost host, NewCaRequest request)
    {
        var created = await host.Services.GetRequiredService<CaProvisioning>().CreateAsync(request, "test");
        Assert.True(created.Succeeded, created.Error);
        return created.Value!;
    }

    internal static async Task AddProfileAsync(EstPortalHost host, string label, string caName, CsrPolicy policy)
    {
        var result = await host.Services.GetRequiredService<ProfileAdmin>().AddAsync(label, label, caName, policy, false, false, "test");
        Assert.True(result.Succeeded, result.Error);
    }

    private static async Task<CertificateAuthority> RowAsync(EstPortalHost host, Guid id)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        return await db.CertificateAuthorities.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    private static string Pem(CertificateAuthority ca) => X509Pem(ca.CertificateDer);

    private static string X509Pem(byte[] der) =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der).ExportCertificatePem() + "\n";
}
