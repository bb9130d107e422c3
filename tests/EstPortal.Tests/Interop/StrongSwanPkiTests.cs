using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Interop;

/// <summary>
/// Debian's strongSwan 5.9.8 <c>pki --estca</c> / <c>pki --est</c> against the real app on real TLS: the client a
/// device integrator would pick first. It offers TLS 1.2 only, refuses chunked answers and wrapped base64, so it
/// proves those interop rules end to end. Each test works in its own directory, as an installer's script would.
/// </summary>
public sealed class StrongSwanPkiTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    /// <summary>pki's own plugins minus <c>revocation</c>, which would try to fetch CRLs from URLs in certificates.</summary>
    internal const string StrongSwanConf = """
        pki {
          load = aes sha2 sha1 md5 mgf1 random nonce x509 pubkey pkcs1 pkcs7 pkcs8 pem openssl gmp hmac kdf drbg
        }

        """;

    [RequiresToolFact("pki")]
    public async Task EstCa_WithOurCaAsTlsTrustAnchor_PrintsTheServersRootCa()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);

        // pki --estca --url https://127.0.0.1:PORT --cacert ca.pem --outform pem
        var result = await PkiAsync(dir, "--estca", "--url", host.EstUrl, "--cacert", caPem, "--outform", "pem");

        Assert.True(result.ExitCode == 0, Describe("pki --estca", result));
        var fetched = Assert.Single(ToolWorkspace.ReadPemCertificates(result.Stdout));
        Assert.Equal(host.CaCertificate.Thumbprint, fetched.Thumbprint);
        Assert.Contains("Root CA cert is trusted", result.Stderr, StringComparison.Ordinal);
    }

    [RequiresToolFact("pki")]
    public async Task Est_WithDeviceCredential_IssuesCertificateForTheRequestedSubjectThatOpensslVerifies()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("pki-cred-" + Suffix());
        var dn = $"C=DE, O=EstPortal Interop, CN={device.Name}";
        var (_, reqPem) = await KeyAndRequestAsync(dir, "device", dn);

        // pki --est --url … --cacert ca.pem --in device.req.pem --userpass NAME:SECRET --outform pem
        var result = await PkiAsync(dir, "--est", "--url", host.EstUrl, "--cacert", caPem, "--in", reqPem,
            "--userpass", $"{device.Name}:{device.Secret}", "--outform", "pem");

        Assert.True(result.ExitCode == 0, Describe("pki --est (device credential)", result));
        var issued = Assert.Single(ToolWorkspace.ReadPemCertificates(result.Stdout));
        Assert.Equal(RequestedSubject(dir, reqPem).RawData, issued.SubjectName.RawData);
        Assert.Equal(host.CaCertificate.SubjectName.RawData, issued.IssuerName.RawData);
        await AssertOpensslVerifiesAsync(dir, caPem, dir.Write("device.crt.pem", result.Stdout));
        await AssertRecordedAsync(issued);
    }

    [RequiresToolFact("pki")]
    public async Task Est_WithBootstrapToken_EnrollsOnceThenFailsOnSecondUseAndTheRefusalIsAudited()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var token = await host.IssueTokenAsync();
        var commonName = "pki-token-" + Suffix();
        var (_, reqPem) = await KeyAndRequestAsync(dir, "device", $"CN={commonName}");

        // pki --est --url … --cacert ca.pem --in device.req.pem --userpass installer:TOKEN --outform pem
        string[] enroll = ["--est", "--url", host.EstUrl, "--cacert", caPem, "--in", reqPem, "--userpass", $"installer:{token.Token}", "--outform", "pem"];
        var first = await PkiAsync(dir, enroll);

        Assert.True(first.ExitCode == 0, Describe("pki --est (bootstrap token, first use)", first));
        var issued = Assert.Single(ToolWorkspace.ReadPemCertificates(first.Stdout));
        Assert.Equal($"CN={commonName}", issued.Subject);
        await AssertOpensslVerifiesAsync(dir, caPem, dir.Write("device.crt.pem", first.Stdout));

        // The same command again: the token is spent.
        var second = await PkiAsync(dir, enroll);

        Assert.NotEqual(0, second.ExitCode);
        Assert.Empty(ToolWorkspace.ReadPemCertificates(second.Stdout));
        Assert.Contains("HTTP 401", second.Stderr, StringComparison.Ordinal);

        await using var db = await DbAsync();
        var spent = await db.BootstrapTokens.AsNoTracking().SingleAsync(t => t.Id == token.Id);
        Assert.NotNull(spent.UsedAt);
        var record = await AssertRecordedAsync(issued);
        Assert.Equal(record.SerialNumber, spent.UsedForSerial);
        Assert.Equal(1, await db.IssuedCertificates.CountAsync(c => c.IssuedVia == $"token:{token.Id}"));
        var refusals = await db.AuditEvents.AsNoTracking()
            .Where(e => e.EventType == AuditEventTypes.Enroll && e.Outcome == AuditOutcomes.Failure && e.Actor == $"token:{token.Id}")
            .ToListAsync();
        Assert.Contains(refusals, e => e.Reason != null && e.Reason.Contains("already been used", StringComparison.Ordinal));
    }

    [RequiresToolFact("pki")]
    public async Task Est_WithOldCertificateAndKeyAsTlsClient_ReenrollsToANewCertificateWithTheSameSubjectAndANewSerial()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("pki-renew-" + Suffix());
        var dn = $"O=EstPortal Interop, CN={device.Name}";
        var (oldKey, oldReq) = await KeyAndRequestAsync(dir, "old", dn);
        var enrolled = await PkiAsync(dir, "--est", "--url", host.EstUrl, "--cacert", caPem, "--in", oldReq,
            "--userpass", $"{device.Name}:{device.Secret}", "--outform", "pem");
        Assert.True(enrolled.ExitCode == 0, Describe("pki --est (initial enrollment)", enrolled));
        var oldCert = Assert.Single(ToolWorkspace.ReadPemCertificates(enrolled.Stdout));
        var oldCertPem = dir.Write("old.crt.pem", enrolled.Stdout);

        // A new key, the same subject; authenticated only by the TLS client certificate being renewed:
        // pki --est --url … --cacert ca.pem --in new.req.pem --cert old.crt.pem --key old.key.pem --outform pem
        var (_, newReq) = await KeyAndRequestAsync(dir, "new", dn);
        var renewed = await PkiAsync(dir, "--est", "--url", host.EstUrl, "--cacert", caPem, "--in", newReq,
            "--cert", oldCertPem, "--key", oldKey, "--outform", "pem");

        Assert.True(renewed.ExitCode == 0, Describe("pki --est (re-enrollment with --cert/--key)", renewed));
        Assert.Contains("sending TLS client certificate", renewed.Stderr, StringComparison.Ordinal);
        var newCert = Assert.Single(ToolWorkspace.ReadPemCertificates(renewed.Stdout));
        Assert.Equal(oldCert.SubjectName.RawData, newCert.SubjectName.RawData);
        Assert.NotEqual(oldCert.SerialNumber, newCert.SerialNumber);
        Assert.Equal(RequestedSubject(dir, newReq).RawData, newCert.SubjectName.RawData);
        Assert.NotEqual(oldCert.PublicKey.EncodedKeyValue.RawData, newCert.PublicKey.EncodedKeyValue.RawData);
        await AssertOpensslVerifiesAsync(dir, caPem, dir.Write("new.crt.pem", renewed.Stdout));

        var record = await AssertRecordedAsync(newCert);
        await using var db = await DbAsync();
        var previous = await db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.CertificateDer == oldCert.RawData);
        Assert.Equal(previous.Id, record.ReplacesCertificateId);
        Assert.Contains(await db.AuditEvents.AsNoTracking().Where(e => e.EventType == AuditEventTypes.Reenroll).ToListAsync(),
            e => e.Outcome == AuditOutcomes.Success && e.SerialNumber == record.SerialNumber);
    }

    /// <summary><c>pki --gen --type ecdsa --size 256 --outform pem</c>, then <c>pki --req --type priv --in KEY --dn DN --outform pem</c>.</summary>
    private static async Task<(string KeyPath, string RequestPath)> KeyAndRequestAsync(ToolWorkspace dir, string name, string dn)
    {
        var key = await PkiAsync(dir, "--gen", "--type", "ecdsa", "--size", "256", "--outform", "pem");
        Assert.True(key.ExitCode == 0, Describe("pki --gen", key));
        var keyPath = dir.Write(name + ".key.pem", key.Stdout);

        var request = await PkiAsync(dir, "--req", "--type", "priv", "--in", keyPath, "--dn", dn, "--outform", "pem");
        Assert.True(request.ExitCode == 0, Describe("pki --req", request));
        Assert.Contains("-----BEGIN CERTIFICATE REQUEST-----", request.Stdout, StringComparison.Ordinal);
        return (keyPath, dir.Write(name + ".req.pem", request.Stdout));
    }

    private static X500DistinguishedName RequestedSubject(ToolWorkspace dir, string requestPath) =>
        CertificateRequest.LoadSigningRequestPem(File.ReadAllText(requestPath), HashAlgorithmName.SHA256).SubjectName;

    /// <summary><c>openssl verify -CAfile ca.pem cert.pem</c>: what a relying party would run.</summary>
    private static async Task AssertOpensslVerifiesAsync(ToolWorkspace dir, string caPem, string certPem)
    {
        var verify = await ExternalTool.RunAsync("openssl", ["verify", "-CAfile", caPem, certPem],
            new Dictionary<string, string?>(), dir.Root, null, ToolTimeout);
        Assert.True(verify.ExitCode == 0, Describe("openssl verify", verify));
        Assert.EndsWith(": OK", verify.Stdout.Trim(), StringComparison.Ordinal);
    }

    /// <summary>A certificate a client received is always in the database (the issuance record commits first).</summary>
    private async Task<IssuedCertificate> AssertRecordedAsync(X509Certificate2 issued)
    {
        await using var db = await DbAsync();
        var record = await db.IssuedCertificates.AsNoTracking().SingleOrDefaultAsync(c => c.CertificateDer == issued.RawData);
        Assert.True(record is not null, $"the certificate with serial {issued.SerialNumber} that pki received is not in the database");
        return record;
    }

    private Task<EstPortalDbContext> DbAsync() =>
        host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();

    private static Task<ToolResult> PkiAsync(ToolWorkspace dir, params string[] arguments)
    {
        var conf = dir.PathOf("strongswan.conf");
        if (!File.Exists(conf))
            File.WriteAllText(conf, StrongSwanConf);
        return ExternalTool.RunAsync("pki", arguments, new Dictionary<string, string?> { ["STRONGSWAN_CONF"] = conf }, dir.Root, null, ToolTimeout);
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private static string Describe(string what, ToolResult result) =>
        $"{what} exited {result.ExitCode}\n--- stdout ---\n{result.Stdout}\n--- stderr ---\n{result.Stderr}";
}
