using System.Net;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Operations;

/// <summary>What a Prometheus server scraping the management endpoint sees.</summary>
public sealed class MetricsTests
{
    /// <summary>A host with the management endpoint on plain HTTP, as an operator would bind it to an internal address.</summary>
    private static (EstPortalHost Host, string ManagementUrl) CreateHost(Dictionary<string, string?>? settings = null)
    {
        var managementUrl = $"http://127.0.0.1:{Loopback.FreePort()}";
        settings ??= [];
        settings["Kestrel:Endpoints:Management:Url"] = managementUrl;
        return (EstPortalHost.Create(extraSettings: settings), managementUrl);
    }

    [Fact]
    public async Task Metrics_AfterEnrollments_CountsThemByProfileOperationAndOutcome()
    {
        var (host, managementUrl) = CreateHost();
        using var _ = host;
        await host.InitializeAsync();
        // A profile name no other test uses: the counters are asserted by its label value.
        var profile = await host.AddProfileAsync("metrics-profile-" + Guid.NewGuid().ToString("N")[..8], "metricslabel");
        var device = await host.AddDeviceAsync("metrics-device");
        var token = await host.IssueTokenAsync();
        using var est = host.CreateEstClient();

        using var issued = await EstCalls.PostAsync(est, "/.well-known/est/metricslabel/simpleenroll", TestCsr.Create("CN=metrics-device").Base64, EstCalls.Basic(device.Name, device.Secret));
        using var refused = await EstCalls.PostAsync(est, "/.well-known/est/metricslabel/simpleenroll", TestCsr.Create("CN=metrics-device").Base64, EstCalls.Basic(device.Name, "wrong"));
        using var withToken = await EstCalls.PostAsync(est, "/.well-known/est/simpleenroll", TestCsr.Create("CN=metrics-token").Base64, EstCalls.Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);

        var text = await ScrapeAsync(managementUrl);

        var labels = new[] { ("profile", profile.Name), ("operation", "simpleenroll") };
        Assert.Equal(1.0, Assert.Single(PrometheusText.Values(text, "estportal_enrollments_total", [.. labels, ("outcome", "issued")])));
        Assert.Equal(1.0, Assert.Single(PrometheusText.Values(text, "estportal_enrollments_total", [.. labels, ("outcome", "refused")])));
        Assert.Empty(PrometheusText.Values(text, "estportal_enrollments_total", [.. labels, ("outcome", "pending")]));
        Assert.True(PrometheusText.Values(text, "estportal_enrollment_duration_seconds_count", ("operation", "simpleenroll")).Sum() >= 3);
        Assert.NotEmpty(PrometheusText.Values(text, "estportal_enrollment_duration_seconds_bucket", ("operation", "simpleenroll"), ("le", "0.5")));
        Assert.True(PrometheusText.Values(text, "estportal_tokens_redeemed_total").Sum() >= 1);
    }

    [Fact]
    public async Task Metrics_CrlAge_IsTheAgeOfTheCasPublishedCrl()
    {
        var (host, managementUrl) = CreateHost();
        using var _ = host;
        await host.InitializeAsync();
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var ca = await db.CertificateAuthorities.SingleAsync(c => c.IsDefault);

        // Fetching the CRL publishes one if none is current; its age is then a few seconds at most.
        using (var relyingParty = new HttpClient { BaseAddress = new Uri(host.PublicUrl) })
        using (var crl = await relyingParty.GetAsync($"/crl/{ca.Id:N}.crl"))
            Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        var text = await ScrapeAsync(managementUrl);

        var age = Assert.Single(PrometheusText.Values(text, "estportal_crl_age_seconds", ("ca", ca.Name)));
        var newest = await db.CertificateRevocationLists.Where(c => c.CertificateAuthorityId == ca.Id).MaxAsync(c => c.ThisUpdate);
        Assert.InRange(age, 0, (DateTimeOffset.UtcNow - newest).TotalSeconds + 5);
    }

    [Fact]
    public async Task Metrics_Disabled_AnswersNotFound()
    {
        var (host, managementUrl) = CreateHost(new() { ["EstPortal:Metrics:Enabled"] = "false" });
        using var _ = host;
        await host.InitializeAsync();
        using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };

        using var response = await management.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_AreServedOnTheManagementEndpointOnly_NeverOnPortalOrEst()
    {
        var (host, managementUrl) = CreateHost();
        using var _ = host;
        await host.InitializeAsync();
        using var portal = host.CreateClient(host.PortalUrl);
        using var est = host.CreateEstClient();
        using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };

        using var onPortal = await portal.GetAsync("/metrics");
        using var onEst = await est.GetAsync("/metrics");
        using var onManagement = await management.GetAsync("/metrics");
        // The management endpoint serves nothing else but the probes.
        using var portalPage = await management.GetAsync("/Account/Login");
        using var probe = await management.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.NotFound, onPortal.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onEst.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, portalPage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithABearerToken_AreServedOnlyToAScrapePresentingIt()
    {
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (host, managementUrl) = CreateHost(new() { ["EstPortal:Metrics:BearerToken"] = token });
        using var _ = host;
        await host.InitializeAsync();
        using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };

        using var without = await management.GetAsync("/metrics");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", token[..^1] + (token[^1] == '0' ? "1" : "0")) } };
        using var wrongAnswer = await management.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", token) } };
        using var rightAnswer = await management.SendAsync(right);
        using var probe = await management.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("Bearer", Assert.Single(without.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightAnswer.StatusCode);
        Assert.Equal("text/plain", rightAnswer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithoutAManagementEndpoint_AreNotServedAnywhere()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        using var portal = host.CreateClient(host.PortalUrl);

        using var response = await portal.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<string> ScrapeAsync(string managementUrl)
    {
        using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };
        using var response = await management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
