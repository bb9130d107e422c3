using System.Net;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Operations;

/// <summary>What a load balancer or orchestrator probing either endpoint sees.</summary>
public sealed class HealthEndpointTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Theory]
    [InlineData("Portal", "/healthz", "ok")]
    [InlineData("Est", "/healthz", "ok")]
    [InlineData("Portal", "/readyz", "ready")]
    [InlineData("Est", "/readyz", "ready")]
    public async Task Probe_HealthyApp_AnswersPlainTextUncachedWithoutSigningIn(string endpoint, string path, string expected)
    {
        using var client = endpoint == "Est" ? host.CreateEstClient() : host.CreateClient(host.PortalUrl);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task EstEndpoint_OtherNonEstPaths_StillAnswerNotFound()
    {
        using var client = host.CreateEstClient();

        using var response = await client.GetAsync("/healthz/more");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_WithoutADefaultCa_Answers503NamingTheCaSignerCheck()
    {
        using var broken = EstPortalHost.Create();
        await broken.InitializeAsync();
        await using (var db = await broken.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
            await db.CertificateAuthorities.ExecuteUpdateAsync(s => s.SetProperty(c => c.IsDefault, false));
        using var client = broken.CreateEstClient();

        using var ready = await client.GetAsync("/readyz");
        using var alive = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("text/plain", ready.Content.Headers.ContentType?.MediaType);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.StartsWith("not ready: ca-signer", body);
        Assert.DoesNotContain("database", body);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
