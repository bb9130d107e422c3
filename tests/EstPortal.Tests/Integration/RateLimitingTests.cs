using System.Net;
using EstPortal.Tests.Support;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>EstPortal:RateLimiting: per credential and per client IP, 429 with Retry-After.</summary>
public sealed class RateLimitingTests
{
    [Fact]
    public async Task PerCredentialLimit_Answers429WithRetryAfter_OtherCredentialsStillServed()
    {
        using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["EstPortal:RateLimiting:Enabled"] = "true",
            ["EstPortal:RateLimiting:PerCredentialPerMinute"] = "3",
            ["EstPortal:RateLimiting:PerClientIpPerMinute"] = "1000",
        });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("limited-device");
        var other = await host.AddDeviceAsync("other-device");
        using var client = host.CreateEstClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=limited").Base64, Basic(device.Name, "wrong-secret"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Contains("too many requests", await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var otherResponse = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=other-device").Base64, Basic(other.Name, other.Secret));
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
    }

    [Fact]
    public async Task PerIpLimit_CoversUnauthenticatedRequests()
    {
        using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["EstPortal:RateLimiting:Enabled"] = "true",
            ["EstPortal:RateLimiting:PerClientIpPerMinute"] = "4",
        });
        await host.InitializeAsync();
        using var client = host.CreateEstClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync("/.well-known/est/cacerts");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
