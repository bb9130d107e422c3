using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Audit;

/// <summary>
/// The audit log is a hash chain: editing or removing a row in the database (SQLite file or PostgreSQL) is detected
/// and named; concurrent writers still produce one chain.
/// </summary>
public sealed class AuditChainTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Verify_IntactLog_ThenNamesAChangedRow_ThenARemovedRow_ThenRowsRemovedAtTheEnd(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var device = await host.AddDeviceAsync("audited-device");
        using (var client = host.CreateEstClient())
        {
            for (var i = 0; i < 3; i++)
                (await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=audited-device").Base64, Basic(device.Name, i == 1 ? "wrong" : device.Secret))).Dispose();
        }
        // The wrong password is a stranger's refusal: it reaches the chain as the address's summary row.
        await host.Services.GetRequiredService<RefusalSummaryWriter>().FlushAsync();
        var verifier = host.Services.GetRequiredService<AuditChainVerifier>();
        var intact = await verifier.VerifyAsync();
        Assert.True(intact.Intact, intact.Summary);
        Assert.True(intact.EventsChecked >= 5);

        // Someone with the database file edits the reason of one refusal.
        var refusal = await WithDbAsync(db => db.AuditEvents.AsNoTracking().FirstAsync(e => e.Outcome == "Failure"));
        await ExecuteAsync(host, $"UPDATE \"AuditEvents\" SET \"Reason\" = 'nothing to see' WHERE \"Id\" = {refusal.Id}");
        var changed = await verifier.VerifyAsync();
        Assert.False(changed.Intact);
        Assert.Equal(refusal.Sequence, changed.FirstBadSequence);
        Assert.Contains($"event #{refusal.Sequence} (id {refusal.Id}", changed.Summary);
        Assert.Contains("was changed", changed.Summary);

        await ExecuteAsync(host, $"DELETE FROM \"AuditEvents\" WHERE \"Id\" = {refusal.Id}");
        var removed = await verifier.VerifyAsync();
        Assert.Equal(refusal.Sequence, removed.FirstBadSequence);
        Assert.Contains("removed", removed.Summary);

        async Task<T> WithDbAsync<T>(Func<EstPortalDbContext, Task<T>> query)
        {
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
            return await query(db);
        }
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Verify_LastEventsRemoved_IsDetectedThroughTheHead(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        await host.AddDeviceAsync("d1");
        await host.AddDeviceAsync("d2");
        var verifier = host.Services.GetRequiredService<AuditChainVerifier>();
        var before = await verifier.VerifyAsync();
        Assert.True(before.Intact, before.Summary);

        await ExecuteAsync(host, "DELETE FROM \"AuditEvents\" WHERE \"Sequence\" = (SELECT MAX(\"Sequence\") FROM \"AuditEvents\")");

        var after = await verifier.VerifyAsync();
        Assert.False(after.Intact);
        Assert.Equal(before.EventsChecked, after.FirstBadSequence);
        Assert.Contains("removed from the end", after.Summary);
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task ConcurrentWriters_ProduceOneUnbrokenChain(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var audit = host.Services.GetRequiredService<AuditLog>();

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => audit.RecordAsync(new AuditRecord("test.event", i % 2 == 0, $"writer:{i}")))));

        var result = await host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync();
        Assert.True(result.Intact, result.Summary);
    }

    /// <summary>A write that goes around the app, straight into the database.</summary>
    private static async Task ExecuteAsync(EstPortalHost host, string sql) => Assert.Equal(1, await host.ExecuteOutsideAppAsync(sql));
}
