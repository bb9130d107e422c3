using System.Net;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// DESIGN "cheap refusals": requests that never authenticated are summed per client address and minute, one chained
/// audit row each, instead of one chained transaction per request; an authenticated caller's refusal stays its own row.
/// </summary>
public sealed class CheapRefusalTests
{
    [Fact]
    public async Task TwoThousandAnonymousRequests_AreAHandfulOfSummaryRows_WithTheFullCount_AndTheChainVerifies()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var before = await CountAsync(host, _ => true);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            using var client = host.CreateEstClient();
            for (var i = 0; i < 250; i++)
            {
                var auth = i % 5 == 0 ? Basic("ap1", "guess") : null;
                using var response = await PostAsync(client, "/.well-known/est/simpleenroll", "junk", auth);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }));
        await host.Services.GetRequiredService<RefusalSummaryWriter>().FlushAsync();

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var rows = await db.AuditEvents.AsNoTracking().Where(e => e.EventType == AuditEventTypes.RefusalsSummarized).ToListAsync();
        Assert.InRange(rows.Count, 1, 2); // one per minute the flood touched
        Assert.Equal(rows.Count, await CountAsync(host, _ => true) - before);
        Assert.Equal(2000, rows.Sum(r => long.Parse(r.Reason!.Split(' ')[0].Replace(",", ""))));
        Assert.All(rows, r => Assert.Equal("address:127.0.0.1", r.Actor));
        Assert.Contains(rows, r => r.Reason!.Contains("× no credentials") && r.Reason.Contains("× wrong password or unknown token for 'ap1'"));
        var chain = await host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync();
        Assert.True(chain.Intact, chain.Summary);
    }

    [Fact]
    public async Task RefusalOfAnAuthenticatedDevice_IsStillItsOwnRow()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("own-row-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", "junk", Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await CountAsync(host, e => e.Actor == $"credential:{device.Name}" && e.Outcome == "Failure"));
        Assert.Equal(0, await CountAsync(host, e => e.EventType == AuditEventTypes.RefusalsSummarized));
    }

    private static async Task<int> CountAsync(EstPortalHost host, System.Linq.Expressions.Expression<Func<EstPortal.Data.Entities.AuditEvent, bool>> where)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.CountAsync(where);
    }
}

/// <summary>What the tally holds when the app stops is written before it stops.</summary>
public sealed class RefusalSummaryShutdownTests
{
    [Fact]
    public async Task RefusalsOfTheUnfinishedMinute_AreWrittenAtShutdown()
    {
        var host = EstPortalHost.Create();
        host.KeepDataDirectory = true;
        try
        {
            await host.InitializeAsync();
            using (var client = host.CreateEstClient())
            {
                for (var i = 0; i < 3; i++)
                    (await PostAsync(client, "/.well-known/est/simpleenroll", "junk", auth: null)).Dispose();
            }
            host.Dispose();

            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"Reason\" FROM \"AuditEvents\" WHERE \"EventType\" = '{AuditEventTypes.RefusalsSummarized}'";
            Assert.Equal("3 refused: 3 × no credentials", await command.ExecuteScalarAsync());
        }
        finally
        {
            host.KeepDataDirectory = false;
            host.Dispose();
        }
    }
}
