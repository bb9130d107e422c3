using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Enrollment;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// Every list, search and figure the portal shows, run against each provider over the same small fleet: each query
/// must translate to the provider's SQL and give the same answers (PostgreSQL compares, orders and counts times and
/// strings its own way).
/// </summary>
public sealed class AdminQueriesTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task PortalQueries_AnswerTheSameOnEachProvider(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var services = host.Services;
        using var client = host.CreateEstClient();

        // A small fleet: two credential devices (one enrolled twice), one token enrollment, one refusal, one revocation,
        // an unused token and a revoked token.
        var pump = await host.AddDeviceAsync("pump-1");
        var valve = await host.AddDeviceAsync("valve-2");
        var serials = new List<string>();
        foreach (var (name, secret) in new[] { (pump.Name, pump.Secret), (pump.Name, pump.Secret), (valve.Name, valve.Secret) })
        {
            using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create($"CN={name}").Base64, Basic(name, secret));
            serials.Add((await EstResponses.ReadIssuedCertificateAsync(response)).SerialNumber);
        }
        var token = await host.IssueTokenAsync();
        using (var byToken = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=meter-3").Base64, Basic("installer", token.Token)))
            serials.Add((await EstResponses.ReadIssuedCertificateAsync(byToken)).SerialNumber);
        // The spent token again: refused with a row of its own (a stranger's wrong password would only be counted in a summary).
        using (var refused = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=pump-1").Base64, Basic("installer", token.Token)))
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True((await services.GetRequiredService<CertificateRevocation>().RevokeAsync(serials[0], RevocationReason.Superseded, "test")).Succeeded);
        await host.IssueTokenAsync();
        var revokedToken = await host.IssueTokenAsync();
        Assert.True((await services.GetRequiredService<BootstrapTokenAdmin>().RevokeAsync(revokedToken.Id, "test")).Succeeded);

        var dashboard = await services.GetRequiredService<DashboardStatistics>().GetAsync();
        Assert.Equal(3, dashboard.Devices);
        Assert.Equal(3, dashboard.ValidCertificates);
        Assert.Equal(4, dashboard.EnrollmentsSucceeded);
        Assert.Equal(1, dashboard.EnrollmentsRefused);
        Assert.Contains(dashboard.LatestRefusals, r => r.Reason is not null);

        var devices = services.GetRequiredService<DeviceAdmin>();
        var (found, total) = await devices.ListPageAsync(new DeviceQuery(Search: "valve"));
        Assert.Equal(1, total);
        Assert.Equal("valve-2", Assert.Single(found).Name);
        var (newestFirst, all) = await devices.ListPageAsync(new DeviceQuery(Sort: DeviceSort.CreatedAt, Descending: true));
        Assert.Equal(3, all);
        Assert.Equal("meter-3", newestFirst[0].Name);
        Assert.Equal(2, newestFirst.Single(d => d.Name == "pump-1").CertificateCount);
        var pumpId = newestFirst.Single(d => d.Name == "pump-1").Id;
        Assert.Equal(2, (await devices.CertificatesOfAsync(pumpId)).Count);
        Assert.Single(await devices.CredentialsOfAsync(pumpId));
        Assert.Equal(AuditEventTypes.Enroll, (await devices.LastEnrollmentAsync(pumpId))?.EventType);
        Assert.True((await devices.AuditTrailAsync(pumpId)).Count >= 3);
        Assert.Equal(4, await devices.CountIssuedCertificatesAsync());

        var certificates = services.GetRequiredService<CertificateAdmin>();
        Assert.Equal(4, (await certificates.SearchAsync(new CertificateQuery())).Count);
        Assert.Equal(3, (await certificates.SearchAsync(new CertificateQuery(State: CertificateState.Valid))).Count);
        Assert.Equal(serials[0], Assert.Single((await certificates.SearchAsync(new CertificateQuery(State: CertificateState.Revoked))).Items).SerialNumber);
        Assert.Equal(0, (await certificates.SearchAsync(new CertificateQuery(State: CertificateState.Expired))).Count);
        Assert.Equal(0, (await certificates.SearchAsync(new CertificateQuery(State: CertificateState.Expiring))).Count);
        // Expiring means valid and expiring: the revoked one is not listed.
        Assert.Equal(3, (await certificates.SearchAsync(new CertificateQuery(State: CertificateState.Expiring, ExpiringWithinDays: 400))).Count);
        foreach (var sort in Enum.GetValues<CertificateSort>())
        {
            var page = await certificates.SearchAsync(new CertificateQuery(Sort: sort, Descending: false));
            Assert.Equal(4, page.Items.Count);
            if (sort == CertificateSort.SerialNumber)
                Assert.Equal(serials.Order(StringComparer.Ordinal), page.Items.Select(i => i.SerialNumber));
        }
        Assert.Equal(2, (await certificates.SearchAsync(new CertificateQuery(DeviceName: "pump-1"))).Count);
        var detail = await certificates.FindAsync((await certificates.SearchAsync(new CertificateQuery(Serial: serials[0]))).Items.Single().Id);
        Assert.Equal(RevocationReason.Superseded, detail?.RevocationReason);
        Assert.Equal(2, (await services.GetRequiredService<IssuedCertificateList>().ListAsync(pumpId)).Count);

        var tokens = services.GetRequiredService<BootstrapTokenAdmin>();
        Assert.Equal(3, (await tokens.ListPageAsync(TokenStateFilter.All, 0, 50)).Total);
        Assert.Equal(1, (await tokens.ListPageAsync(TokenStateFilter.Unused, 0, 50)).Total);
        var used = Assert.Single((await tokens.ListPageAsync(TokenStateFilter.Used, 0, 50)).Items);
        Assert.Equal(serials[3], used.UsedForSerial);
        Assert.Equal(0, (await tokens.ListPageAsync(TokenStateFilter.Expired, 0, 50)).Total);
        Assert.Equal(revokedToken.Id, Assert.Single((await tokens.ListPageAsync(TokenStateFilter.Revoked, 0, 50)).Items).Id);

        var audit = services.GetRequiredService<AuditQuery>();
        var now = DateTimeOffset.UtcNow;
        var (enrollments, enrollmentCount) = await audit.PageAsync(new AuditFilter { EventType = AuditEventTypes.Enroll, From = now.AddHours(-1), To = now.AddHours(1) }, 0, 50);
        Assert.Equal(5, enrollmentCount);
        Assert.Equal(enrollments.OrderByDescending(e => e.Sequence).Select(e => e.Id), enrollments.Select(e => e.Id));
        Assert.Equal(1, (await audit.PageAsync(new AuditFilter { EventType = AuditEventTypes.Enroll, Outcome = "Failure" }, 0, 50)).Total);
        // The refusal with a wrong secret is not attributed to the device: nobody proved to be it.
        Assert.Equal(2, (await audit.PageAsync(new AuditFilter { Device = "pump-1", EventType = AuditEventTypes.Enroll }, 0, 50)).Total);
        Assert.Equal(0, (await audit.PageAsync(new AuditFilter { From = now.AddHours(1) }, 0, 50)).Total);
        Assert.Contains("credential:pump-1", await audit.ActorsAsync("credential:", 10));

        Assert.Contains(await services.GetRequiredService<ProfileAdmin>().ListAsync(), p => p.Name == "default");
        Assert.Empty(await services.GetRequiredService<PendingApprovals>().ListAsync(status: null));
    }
}
