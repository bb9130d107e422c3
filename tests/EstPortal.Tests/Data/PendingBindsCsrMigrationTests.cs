using System.Net;
using System.Security.Cryptography;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Hosting;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// Migration PendingBindsCsr on a database an older version left, on each provider: a request approved before the
/// upgrade is issued after it for exactly the CSR that was approved (the backfill stores that CSR's hash), and another
/// CSR with the same key is a new pending request.
/// </summary>
public sealed class PendingBindsCsrMigrationTests
{
    private const string Path = "/.well-known/est/upgraded-approval/simpleenroll";

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task ApprovedBeforeTheUpgrade_IsIssuedAfterIt_OnlyForTheApprovedCsr(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var approvedCsr = TestCsr.Create("CN=upgraded-ap1", key: key);
        var device = await host.AddDeviceAsync("upgraded-ap1", @"dns:.*\.plant\.example");
        await host.AddProfileAsync("upgraded-approval", "upgraded-approval", requiresApproval: true);
        using var client = host.CreateEstClient();
        using (var held = await PostAsync(client, Path, approvedCsr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending));
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

        // Back to the schema the previous version left (PendingBindsCsr's Down), then the upgrade as start-up or
        // `migrate` runs it.
        var contexts = host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var previous = migrations[migrations.FindIndex(m => m.EndsWith("_PendingBindsCsr", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(previous);
        }
        Assert.Contains(await host.Services.GetRequiredService<DatabaseSchema>().MigrateAsync(CancellationToken.None),
            m => m.EndsWith("_PendingBindsCsr", StringComparison.Ordinal));

        await using (var db = await contexts.CreateDbContextAsync())
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(approvedCsr.Der)), (await db.PendingEnrollments.SingleAsync()).CsrSha256);
        using (var swapped = await PostAsync(client, Path, TestCsr.Create("CN=upgraded-ap1", ["bank.plant.example"], key).Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, swapped.StatusCode);
        using var retry = await PostAsync(client, Path, approvedCsr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal("CN=upgraded-ap1", (await EstResponses.ReadIssuedCertificateAsync(retry)).Subject);
    }
}
