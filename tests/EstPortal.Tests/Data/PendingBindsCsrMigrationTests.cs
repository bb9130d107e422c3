using System.Net;
using System.Security.Cryptography;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// Migration PendingBindsCsr on a database an older version left: a request approved before the upgrade is issued after
/// it for exactly the CSR that was approved (the start-up backfill stores that CSR's hash), and not for another CSR
/// with the same key.
/// </summary>
public sealed class PendingBindsCsrMigrationTests
{
    private const string Path = "/.well-known/est/upgraded-approval/simpleenroll";

    [Fact]
    public async Task Sqlite_ApprovedBeforeTheUpgrade_IsIssuedAfterIt_OnlyForTheApprovedCsr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var approvedCsr = TestCsr.Create("CN=upgraded-ap1", key: key);
        string dataDirectory;
        NewDeviceCredentials device;
        using (var before = EstPortalHost.Create())
        {
            await before.InitializeAsync();
            before.KeepDataDirectory = true;
            dataDirectory = before.DataDirectory;
            var added = await before.AddDeviceAsync("upgraded-ap1");
            device = new(added.Name, added.Secret);
            await before.AddProfileAsync("upgraded-approval", "upgraded-approval", requiresApproval: true);
            using var client = before.CreateEstClient();
            using (var held = await PostAsync(client, Path, approvedCsr.Base64, Basic(device.Name, device.Secret)))
                Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
            var approvals = before.Services.GetRequiredService<PendingApprovals>();
            var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending));
            Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

            // Back to the schema the previous version left: PendingBindsCsr's Down.
            await using var db = await before.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
            var migrations = db.Database.GetMigrations().ToList();
            var previous = migrations[migrations.FindIndex(m => m.EndsWith("_PendingBindsCsr", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(previous);
        }

        using var after = EstPortalHost.Create(dataDirectory);
        await after.InitializeAsync();

        await using (var db = await after.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(approvedCsr.Der)), (await db.PendingEnrollments.SingleAsync()).CsrSha256);
        using var afterClient = after.CreateEstClient();
        using (var swapped = await PostAsync(afterClient, Path, TestCsr.Create("CN=someone-else", ["bank.example"], key).Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, swapped.StatusCode);
        using var retry = await PostAsync(afterClient, Path, approvedCsr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal("CN=upgraded-ap1", (await EstResponses.ReadIssuedCertificateAsync(retry)).Subject);
    }

    private sealed record NewDeviceCredentials(string Name, string Secret);
}
