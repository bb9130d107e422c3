using System.Net;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Policy;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.MultiInstance;

/// <summary>
/// Several instances on one PostgreSQL database sharing one HSM token (ADR 0008, ADR 0018): a CA whose key was generated
/// in the token once, by the CLI, signs on every instance, each through its own PKCS#11 sessions, and concurrent
/// enrollments spread over the instances all succeed with distinct, recorded serials.
/// </summary>
// The SoftHSM2 collection: SOFTHSM2_CONF is process-wide (the app processes inherit it) and the module is loaded here too.
[Collection(SoftHsmCollection.Name)]
public sealed class HsmOnPostgresTests
{
    [RequiresPostgresAndSoftHsmFact]
    public async Task OneTokenTwoInstances_HsmCaCreatedOnceByTheCli_ConcurrentEnrollmentsOnBoth_AllIssuedRecordedAndVerify()
    {
        using var token = await SoftHsmToken.CreateAsync("shared-token");
        await using var cluster = await TwoInstancesOnPostgresTests.Cluster.StartAsync(token.Settings);
        var (a, b, admin) = (cluster.A, cluster.B, cluster.Admin);

        var created = await EstPortalCli.RunAsync(Path.Combine(cluster.Shared, "cli"),
            ["ca", "create", "shared-hsm", "--subject", "CN=Shared HSM CA", "--key", "EC-P256", "--store", "pkcs11", .. cluster.Arguments]);
        Assert.True(created.ExitCode == 0, created.ToString());
        var profile = await admin.Services.GetRequiredService<ProfileAdmin>().AddAsync("hsm", "hsm", "shared-hsm", CsrPolicy.Default, false, false, "test");
        Assert.True(profile.Succeeded, profile.Error);
        await using var db = await admin.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var ca = await db.CertificateAuthorities.AsNoTracking().SingleAsync(c => c.Name == "shared-hsm");
        Assert.Equal("pkcs11", ca.KeyStore);
        using var caCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.CertificateDer);

        using var clientA = a.CreateClient(a.EstUrl);
        using var clientB = b.CreateClient(b.EstUrl);
        var devices = new List<NewDevice>();
        for (var i = 0; i < 20; i++)
            devices.Add(await admin.AddDeviceAsync($"hsm-lb-{i:D2}"));
        // The profile added on the third instance reaches A and B through PostgreSQL's NOTIFY within moments.
        foreach (var client in new[] { clientA, clientB })
            await EnrollUntilKnownAsync(client, await admin.AddDeviceAsync($"hsm-probe-{(client == clientA ? "a" : "b")}"));

        var answers = await Task.WhenAll(devices.Select(async (d, i) =>
        {
            using var response = await PostAsync(i % 2 == 0 ? clientA : clientB, "/.well-known/est/hsm/simpleenroll", TestCsr.Create("CN=" + d.Name).Base64, Basic(d.Name, d.Secret));
            var body = response.StatusCode == HttpStatusCode.OK ? null : await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Body: body, Certificate: body is null ? await EstResponses.ReadIssuedCertificateAsync(response) : null);
        }));

        Assert.All(answers, x => Assert.True(x.StatusCode == HttpStatusCode.OK, $"{(int)x.StatusCode}: {x.Body}"));
        var certificates = answers.Select(x => x.Certificate!).ToList();
        var serials = certificates.Select(c => c.SerialNumber).ToList();
        Assert.Equal(20, serials.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(certificates, c => Assert.True(Loopback.ChainsTo(caCertificate, c), $"{c.Subject} does not verify under the HSM CA"));
        Assert.Equal(20, await db.IssuedCertificates.CountAsync(c => c.CertificateAuthorityId == ca.Id && serials.Contains(c.SerialNumber)));
        // The key never left the token: one private key, labelled with the CA's name.
        var keys = await token.ListPrivateKeysAsync();
        Assert.Equal(1, keys.Stdout.Split("label:      shared-hsm").Length - 1);
    }

    private static async Task EnrollUntilKnownAsync(HttpClient client, NewDevice device)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await PostAsync(client, "/.well-known/est/hsm/simpleenroll", TestCsr.Create("CN=" + device.Name).Base64, Basic(device.Name, device.Secret));
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            Assert.True(DateTime.UtcNow < deadline, $"the hsm profile never worked on {client.BaseAddress}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }
}

/// <summary>Skips (outside CI) when either PostgreSQL or SoftHSM2 is missing; under CI=true neither may be.</summary>
public sealed class RequiresPostgresAndSoftHsmFactAttribute : FactAttribute
{
    public RequiresPostgresAndSoftHsmFactAttribute() => Skip = TestPostgres.SkipReason ?? new RequiresSoftHsmFactAttribute().Skip;
}
