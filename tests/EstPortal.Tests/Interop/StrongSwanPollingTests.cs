using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Interop;

/// <summary>
/// RFC 7030 §4.2.3 with a real client: strongSwan's pki polls on 202 + Retry-After (--interval, --maxpolltime)
/// until an operator approves, then stores the certificate. Debian's pki has no --label, so the default profile
/// requires approval here.
/// </summary>
public sealed class StrongSwanPollingTests
{
    private const string StrongSwanConf = """
        pki {
          load = aes sha2 sha1 md5 mgf1 random nonce x509 pubkey pkcs1 pkcs7 pkcs8 pem openssl gmp hmac kdf drbg
        }

        """;

    [RequiresToolFact("pki")]
    public async Task Est_OnProfileRequiringApproval_PollsUntilApprovedThenGetsTheCertificate()
    {
        using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:PendingRetryAfterSeconds"] = "1" });
        await host.InitializeAsync();
        var profiles = host.Services.GetRequiredService<EstPortal.Admin.ProfileAdmin>();
        var profile = (await profiles.FindAsync("default"))!;
        Assert.True((await profiles.UpdateAsync("default", profile.Policy, requiresApproval: true, wrapBase64Lines: false, "test")).Succeeded);
        var device = await host.AddDeviceAsync("pki-poll-device");

        using var dir = new ToolWorkspace();
        var conf = dir.Write("strongswan.conf", StrongSwanConf);
        var env = new Dictionary<string, string?> { ["STRONGSWAN_CONF"] = conf };
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var key = await ExternalTool.RunAsync("pki", ["--gen", "--type", "ecdsa", "--size", "256", "--outform", "pem"], env, dir.Root, null, TimeSpan.FromSeconds(30));
        var keyPath = dir.Write("key.pem", key.Stdout);
        var req = await ExternalTool.RunAsync("pki", ["--req", "--type", "priv", "--in", keyPath, "--dn", "CN=pki-poll-device", "--outform", "pem"], env, dir.Root, null, TimeSpan.FromSeconds(30));
        var reqPath = dir.Write("req.pem", req.Stdout);

        // pki --est --url … --in req.pem --userpass NAME:SECRET --interval 1 --maxpolltime 60 --outform pem
        var enrolling = ExternalTool.RunAsync("pki", ["--est", "--url", host.EstUrl, "--cacert", caPem, "--in", reqPath,
            "--userpass", $"{device.Name}:{device.Secret}", "--interval", "1", "--maxpolltime", "60", "--outform", "pem"], env, dir.Root, null, TimeSpan.FromSeconds(90));

        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        PendingSummary? pending = null;
        // Up to 30 s: on a loaded machine pki's first request can take a while to arrive.
        for (var i = 0; i < 300 && pending is null; i++)
        {
            await Task.Delay(100);
            pending = (await approvals.ListAsync(PendingStatus.Pending)).SingleOrDefault(p => p.RequesterKey == $"credential:{device.Name}");
        }
        Assert.NotNull(pending);
        await Task.Delay(2500); // let pki poll at least once more while pending
        Assert.Single(await approvals.ListAsync(null), p => p.RequesterKey == $"credential:{device.Name}");
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

        var result = await enrolling;
        Assert.True(result.ExitCode == 0, $"pki exited {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("EST request pending", result.Stderr, StringComparison.OrdinalIgnoreCase);
        var certificate = Assert.Single(ToolWorkspace.ReadPemCertificates(result.Stdout));
        Assert.Equal("CN=pki-poll-device", certificate.Subject);
        Assert.True(host.ChainsToCa(certificate));
    }
}
