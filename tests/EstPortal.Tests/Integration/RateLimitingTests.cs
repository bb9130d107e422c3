using System.Net;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// EstPortal:RateLimiting (ADR 0005): per client address before authentication, failed authentication per (address,
/// user name), per credential only once authenticated; 429 with Retry-After. A stranger cannot lock a device out.
/// </summary>
public sealed class RateLimitingTests
{
    private static readonly IPAddress Device = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task ThousandWrongPasswordsFromOneAddress_AreSlowedThere_TheDeviceStillEnrollsFromItsOwn()
    {
        using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:RateLimiting:Enabled"] = "true" });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("locked-out-target");
        using var stranger = host.CreateEstClient(localAddress: Stranger);
        using var own = host.CreateEstClient(localAddress: Device);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 1000; i++)
        {
            using var response = await PostAsync(stranger, "/.well-known/est/simpleenroll", "junk", Basic(device.Name, "guess-" + i));
            statuses.Add(response.StatusCode);
            if (i == 999)
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Contains("too many failed authentication attempts", await response.Content.ReadAsStringAsync());
            }
        }
        using var enrolled = await PostAsync(own, "/.well-known/est/simpleenroll", TestCsr.Create("CN=" + device.Name).Base64, Basic(device.Name, device.Secret));

        // Default: 10 failures per minute per (address, name), then 429 until the minute is over.
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(990, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);

        // What an operator reads: one row for the stranger's address, with who, how many and why.
        await host.Services.GetRequiredService<RefusalSummaryWriter>().FlushAsync();
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var rows = await db.AuditEvents.Where(e => e.EventType == AuditEventTypes.RefusalsSummarized && e.ClientIp == "127.0.0.2").ToListAsync();
        Assert.InRange(rows.Count, 1, 2); // two when the flood straddles a minute
        Assert.All(rows, r => Assert.Equal("address:127.0.0.2", r.Actor));
        if (rows.Count == 1)
        {
            Assert.Equal($"1,000 refused: 990 × too many failed attempts for '{device.Name}', 10 × wrong password or unknown token for '{device.Name}'", rows[0].Reason);
        }
        Assert.DoesNotContain(await db.AuditEvents.ToListAsync(), e => e.Actor == $"basic:{device.Name}");
    }

    [Fact]
    public async Task PerCredentialLimit_CountsOnlyRequestsThatAuthenticated_429WithRetryAfter_OtherDevicesServed()
    {
        using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["EstPortal:RateLimiting:Enabled"] = "true",
            ["EstPortal:RateLimiting:PerCredentialPerMinute"] = "3",
            ["EstPortal:RateLimiting:FailedAuthenticationsPerMinute"] = "100",
        });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("limited-device");
        var other = await host.AddDeviceAsync("other-device");
        using var client = host.CreateEstClient();

        // Wrong passwords spend nothing of the device's budget.
        for (var i = 0; i < 5; i++)
        {
            using var guess = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=limited-device").Base64, Basic(device.Name, "wrong-secret"));
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=limited-device").Base64, Basic(device.Name, device.Secret));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Contains("too many requests with this credential", await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        using var otherResponse = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=other-device").Base64, Basic(other.Name, other.Secret));
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
    }

    [Fact]
    public async Task PerCredentialLimit_KeysTokensByToken_NotByTheSharedUserName()
    {
        using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["EstPortal:RateLimiting:Enabled"] = "true",
            ["EstPortal:RateLimiting:PerCredentialPerMinute"] = "1",
        });
        await host.InitializeAsync();
        using var client = host.CreateEstClient();

        // The portal's ready-made commands use one user name ("installer") for every token.
        foreach (var i in Enumerable.Range(0, 3))
        {
            var token = await host.IssueTokenAsync();
            using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create($"CN=installed-{i}").Base64, Basic("installer", token.Token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
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
