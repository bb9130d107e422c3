using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Pki;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Operations;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.MultiInstance;

/// <summary>
/// Several instances behind a load balancer on one PostgreSQL database: two app processes on their own ports (and a
/// third, in-process, where the operator works), sharing only the database and the key-encryption key file.
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class TwoInstancesOnPostgresTests
{
    [RequiresPostgresFact]
    public async Task TwoInstances_RaceTokensAndEnrollments_OneSuccessPerToken_EveryCertificateRecorded_ChainVerifies()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b, admin) = (cluster.A, cluster.B, cluster.Admin);

        // 10 one-time tokens, each tried 20 times at once, half on each instance.
        var tokens = new List<NewBootstrapToken>();
        for (var i = 0; i < 10; i++)
            tokens.Add(await admin.IssueTokenAsync());
        using var clientA = a.CreateClient(a.EstUrl);
        using var clientB = b.CreateClient(b.EstUrl);
        var attempts = tokens.SelectMany(t => Enumerable.Range(0, 20).Select(i => (Token: t, Client: i % 2 == 0 ? clientA : clientB, N: i))).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async x =>
        {
            using var response = await PostAsync(x.Client, "/.well-known/est/simpleenroll", TestCsr.Create($"CN=t{x.Token.Id:N}-{x.N}").Base64, Basic("installer", x.Token.Token));
            return (x.Token.Id, response.StatusCode);
        }));
        foreach (var token in tokens)
        {
            var codes = outcomes.Where(o => o.Id == token.Id).Select(o => o.StatusCode).ToList();
            Assert.Equal(1, codes.Count(c => c == HttpStatusCode.OK));
            Assert.Equal(19, codes.Count(c => c == HttpStatusCode.Unauthorized));
        }

        // 40 devices with their own credentials, alternating instances: all succeed, serials unique, all recorded.
        var devices = new List<NewDevice>();
        for (var i = 0; i < 40; i++)
            devices.Add(await admin.AddDeviceAsync($"lb-device-{i:D2}"));
        var issued = await Task.WhenAll(devices.Select(async (d, i) =>
        {
            using var response = await PostAsync(i % 2 == 0 ? clientA : clientB, "/.well-known/est/simpleenroll", TestCsr.Create("CN=" + d.Name).Base64, Basic(d.Name, d.Secret));
            return await EstResponses.ReadIssuedCertificateAsync(response);
        }));
        var serials = issued.Select(c => c.SerialNumber).ToList();
        Assert.Equal(40, serials.Distinct().Count());

        await using var db = await admin.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(40, await db.IssuedCertificates.CountAsync(c => serials.Contains(c.SerialNumber)));
        Assert.Equal(10, await db.BootstrapTokens.CountAsync(t => t.UsedForSerial != null));
        Assert.Equal(50, await db.IssuedCertificates.CountAsync());
        var chain = await admin.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync();
        Assert.True(chain.Intact, chain.Summary);
        // Every refusal of the race is in the log too: 10 tokens × 19 losers.
        Assert.Equal(190, await db.AuditEvents.CountAsync(e => e.Outcome == "Failure" && e.EventType == AuditEventTypes.Enroll));
    }

    [RequiresPostgresFact]
    public async Task RevocationOnOneInstance_IsRefusedAtOnceByTheOthers_AndKeysAndSignInsWorkAcrossInstances()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b, admin) = (cluster.A, cluster.B, cluster.Admin);

        // Enrolled through A.
        var device = await admin.AddDeviceAsync("roaming-device");
        var csr = TestCsr.Create("CN=roaming-device");
        using var clientA = a.CreateClient(a.EstUrl);
        using var enrolled = await PostAsync(clientA, "/.well-known/est/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        using var certificate = (await EstResponses.ReadIssuedCertificateAsync(enrolled)).CopyWithPrivateKey((ECDsa)csr.Key);

        // Re-enrolls through B with its certificate (B never saw it issued).
        using (var viaB = b.CreateClient(b.EstUrl, certificate))
        using (var renewed = await PostAsync(viaB, "/.well-known/est/simplereenroll", TestCsr.Create("CN=roaming-device", key: (ECDsa)csr.Key).Base64, null))
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);

        // Revoked through the third instance: A and B refuse it on the very next request.
        var revoked = await admin.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(certificate.SerialNumber, RevocationReason.KeyCompromise, "test");
        Assert.True(revoked.Succeeded, revoked.Error);
        foreach (var instance in new[] { a, b })
        {
            using var client = instance.CreateClient(instance.EstUrl, certificate);
            using var refused = await PostAsync(client, "/.well-known/est/simplereenroll", TestCsr.Create("CN=roaming-device", key: (ECDsa)csr.Key).Base64, null);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // A CA whose key the third instance generated and protected signs on A: the Data Protection key ring is shared.
        await admin.Services.GetRequiredService<CertificateAuthorityAdmin>().CreateRootAsync(
            "second", "CN=Second Root", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(365), makeDefault: false, "test");
        var profile = await admin.Services.GetRequiredService<ProfileAdmin>().AddAsync(
            "second", "second", "second", EstPortal.Policy.CsrPolicy.Default, false, false, "test");
        Assert.True(profile.Succeeded, profile.Error);
        using (var labelled = await PostAsync(clientA, "/.well-known/est/second/simpleenroll", TestCsr.Create("CN=roaming-device").Base64, Basic(device.Name, device.Secret)))
        {
            using var second = await EstResponses.ReadIssuedCertificateAsync(labelled);
            Assert.Equal("CN=Second Root", second.Issuer);
        }

        // A and B keep the default profile in memory; a policy change made on the third instance reaches them through
        // PostgreSQL's NOTIFY within moments (not on the very next request: the notification follows the commit).
        var version = admin.Services.GetRequiredService<EstPortal.Enrollment.ConfigurationVersion>();
        Assert.True(await EventuallyAsync(() => Task.FromResult(version.Current() is not null)), "the in-process instance never started listening");
        var before = version.Current();
        var profiles = admin.Services.GetRequiredService<ProfileAdmin>();
        var current = (await profiles.FindAsync("default"))!;
        var onlyP384 = current.Policy with { Keys = current.Policy.Keys with { AllowedCurves = ["P-384"] } };
        Assert.True((await profiles.UpdateAsync("default", onlyP384, current.RequiresApproval, current.WrapBase64Lines, "test")).Succeeded);
        Assert.True(await EventuallyAsync(() => Task.FromResult(version.Current() != before)), "no notification arrived for the profile change");
        var second2 = await admin.AddDeviceAsync("roaming-device-2");
        foreach (var instance in new[] { a, b })
        {
            using var client = instance.CreateClient(instance.EstUrl);
            Assert.True(await EventuallyAsync(async () =>
            {
                using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=roaming-device-2").Base64, Basic(second2.Name, second2.Secret));
                return response.StatusCode == HttpStatusCode.BadRequest;
            }), $"{instance.EstUrl} still enrolls P-256 keys after the policy change");
        }

        // An operator signed in on A keeps the session when the load balancer sends the next request to B.
        var op = await admin.AddOperatorAsync("roaming-operator@example.com", OperatorRoles.Operator);
        var cookies = new CookieContainer();
        using var portalA = PortalClient(a, cookies);
        using var portalB = PortalClient(b, cookies);
        await PortalSignIn.SignInAsync(portalA, op.Email, op.Password);
        using var page = await portalB.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var anonymous = PortalClient(b, new CookieContainer());
        using var refusedPage = await anonymous.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.Redirect, refusedPage.StatusCode);
    }

    /// <summary>Polls for up to 5 s: for what crosses instances asynchronously.</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return true;
            await Task.Delay(50);
        }
        return await condition();
    }

    /// <summary>Cookies are per host, not per port: one container plays a browser behind a load balancer.</summary>
    private static HttpClient PortalClient(AppProcess instance, CookieContainer cookies) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = cookies,
        SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && instance.ChainsToCa(new X509Certificate2(c)) },
    })
    { BaseAddress = new Uri(instance.PortalUrl) };

    /// <summary>One database, migrated once with the `migrate` command; two app processes and an in-process operator instance.</summary>
    internal sealed class Cluster : IAsyncDisposable
    {
        private readonly PostgresTestDatabase _database;
        private readonly string _shared;

        private Cluster(PostgresTestDatabase database, string shared) => (_database, _shared) = (database, shared);

        public AppProcess A { get; private set; } = null!;
        public AppProcess B { get; private set; } = null!;
        public EstPortalHost Admin { get; private set; } = null!;

        /// <summary>The same <c>--Key=Value</c> settings the instances were started with, for CLI commands on the cluster.</summary>
        public string[] Arguments { get; private set; } = [];

        public string Shared => _shared;

        /// <param name="more">Settings every instance (and the CLI) gets besides the database ones, e.g. an HSM's.</param>
        public static async Task<Cluster> StartAsync(IReadOnlyDictionary<string, string?>? more = null)
        {
            var database = await TestPostgres.CreateDatabaseAsync();
            var shared = Path.Combine(Path.GetTempPath(), "estportal-cluster-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(shared);
            var cluster = new Cluster(database, shared);
            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:EstPortal"] = database.ConnectionString,
                // Every instance must hold the same key-encryption key: it unlocks the shared Data Protection key ring.
                ["EstPortal:KeyEncryptionKeyPath"] = Path.Combine(shared, "key-encryption-key.pfx"),
                ["EstPortal:RateLimiting:Enabled"] = "false",
            };
            foreach (var (key, value) in more ?? new Dictionary<string, string?>())
                settings[key] = value;
            var arguments = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
            cluster.Arguments = arguments;
            try
            {
                var migrate = await EstPortalCli.RunAsync(Path.Combine(shared, "cli"), ["migrate", .. arguments]);
                Assert.True(migrate.ExitCode == 0, migrate.ToString());
                Assert.Contains("Postgres database migrated", migrate.Stdout);

                var starting = new[] { AppProcess.StartAsync(arguments), AppProcess.StartAsync(arguments) };
                try
                {
                    await Task.WhenAll(starting);
                }
                finally
                {
                    (cluster.A, cluster.B) = (Started(starting[0]), Started(starting[1]));
                }
                cluster.Admin = EstPortalHost.Create(extraSettings: settings);
                await cluster.Admin.InitializeAsync();
                // One CA for the whole cluster, created by `migrate`.
                Assert.Equal(cluster.A.CaCertificate.Thumbprint, cluster.B.CaCertificate.Thumbprint);
                Assert.Equal(cluster.A.CaCertificate.Thumbprint, cluster.Admin.CaCertificate.Thumbprint);
                return cluster;
            }
            catch
            {
                // Whatever did start (processes, database, files) must not outlive a failed start.
                await cluster.DisposeAsync();
                throw;
            }
        }

        private static AppProcess Started(Task<AppProcess> start) => start.IsCompletedSuccessfully ? start.Result : null!;

        public async ValueTask DisposeAsync()
        {
            if (A is not null)
                await A.DisposeAsync();
            if (B is not null)
                await B.DisposeAsync();
            if (Admin is not null)
                await Admin.DisposeAsync();
            await _database.DisposeAsync();
            try
            {
                Directory.Delete(_shared, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }
}
