using System.Net;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Enrollment;
using EstPortal.Pki;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// What the dashboard's charts draw, on each provider: issued and refused requests per hour and day (summarized
/// refusals counted in), unrevoked certificates per expiry week, and issuance per profile and CA.
/// </summary>
public sealed class DashboardTrendsTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Trends_CountWhatHappened_WhereItBelongs(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var services = host.Services;
        using var client = host.CreateEstClient();
        await host.AddProfileAsync("short-lived", "short", CsrPolicy.Default with { ValidityDays = 20 });
        var sensor = await host.AddDeviceAsync("trend-sensor");
        var spare = await host.AddDeviceAsync("trend-spare");
        var gauge = await host.AddDeviceAsync("trend-gauge");

        async Task<string> EnrollAsync(string path, NewDevice device)
        {
            using var response = await PostAsync(client, path, TestCsr.Create($"CN={device.Name}").Base64, Basic(device.Name, device.Secret));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await EstResponses.ReadIssuedCertificateAsync(response)).SerialNumber;
        }
        await EnrollAsync("/.well-known/est/short/simpleenroll", sensor);
        var revoked = await EnrollAsync("/.well-known/est/short/simpleenroll", spare);
        await EnrollAsync("/.well-known/est/simpleenroll", gauge);
        Assert.True((await services.GetRequiredService<CertificateRevocation>().RevokeAsync(revoked, RevocationReason.KeyCompromise, "test")).Succeeded);
        // Refused with a row of its own: the device asks for another device's name.
        using (var refused = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=trend-gauge").Base64, Basic(sensor.Name, sensor.Secret)))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // Strangers' refusals live only in summaries (ADR 0014); the chart counts them too.
        await services.GetRequiredService<AuditLog>().RecordAsync(new AuditRecord(AuditEventTypes.RefusalsSummarized, false,
            "address:192.0.2.9", "192.0.2.9", "3 refused: unknown user name or wrong password"));

        var trends = await services.GetRequiredService<DashboardTrends>().GetAsync();

        Assert.Equal(7, trends.Daily.Count);
        Assert.Equal(7 * 24, trends.Hourly.Count);
        Assert.Equal(3, trends.Daily.Sum(p => p.Enrolled));
        Assert.Equal(1 + 3, trends.Daily.Sum(p => p.Refused));
        Assert.Equal(3, trends.Hourly.Sum(p => p.Enrolled));
        Assert.Equal(1 + 3, trends.Hourly.Sum(p => p.Refused));
        Assert.Equal(0, trends.Daily[0].Enrolled + trends.Daily[0].Refused); // six days ago: nothing yet

        // 20 days from now is the third week; the revoked one is not coming up for renewal; the 1-year one is beyond.
        Assert.Equal(13, trends.ExpiringPerWeek.Count);
        Assert.Equal(1, trends.ExpiringPerWeek[2].Count);
        Assert.Equal(1, trends.ExpiringPerWeek.Sum(w => w.Count));

        Assert.Equal([new NamedCount("short-lived", 2), new NamedCount("default", 1)], trends.IssuedPerProfile);
        Assert.Equal(3, Assert.Single(trends.IssuedPerCa).Count);
    }
}
