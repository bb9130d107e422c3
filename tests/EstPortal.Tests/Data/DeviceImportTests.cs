using System.Diagnostics;
using System.Net;
using System.Text;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// Bulk onboarding from a spreadsheet's CSV: every problem reported by line with nothing created, 10,000 devices in
/// seconds with working credentials, and a batch that fails half-way leaving a remainder to retry, never a duplicate.
/// </summary>
public sealed class DeviceImportTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFileWithProblems_IsReportedLineByLine_AndCreatesNothing()
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        await host.AddDeviceAsync("already-there");
        const string csv = "san,NAME,description\n" +
            "dns:{device}.plant.example,good-1,\"Hall 3, line 2\"\n" +
            ",bad:name,\n" +
            "dns:(,bad-pattern,\n" +
            ",good-1,again\n" +
            ",already-there,\n";

        var plan = await Plan(host, csv);

        Assert.False(plan.IsValid);
        Assert.Equal([3, 4, 5, 6], plan.Problems.Select(p => p.Line));
        Assert.Contains("':'", plan.Problems[0].Message);
        Assert.Contains("also on line 2", plan.Problems[2].Message);
        Assert.Contains("already exists", plan.Problems[3].Message);
        Assert.Empty(plan.Devices);
        Assert.Equal(1, await DeviceCountAsync(host));
    }

    [Fact]
    public async Task AnIdevidColumn_NamesEachBoardsManufacturerIdentity_OncePerFleet()
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        var duplicate = await Plan(host, "name,idevid\nboard-1,SN0001\nboard-2,SN0001\n");
        Assert.Equal("idevid 'SN0001' is also on line 2.", Assert.Single(duplicate.Problems).Message);

        var plan = await Plan(host, "idevid,name\nSN0001,board-1\n,board-2\n");
        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        Assert.Null((await host.Services.GetRequiredService<DeviceImport>().ImportAsync(plan.Devices, "test")).Error);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal("SN0001", (await db.Devices.SingleAsync(d => d.Name == "board-1")).Idevid);
            Assert.Null((await db.Devices.SingleAsync(d => d.Name == "board-2")).Idevid);
        }
        var taken = await Plan(host, "name,idevid\nboard-3,SN0001\n");
        Assert.Equal("Another device already has idevid 'SN0001'.", Assert.Single(taken.Problems).Message);
    }

    [Theory]
    [InlineData("name,colour\nx,red\n", "Unknown column 'colour'")]
    [InlineData("description\nsomething\n", "no 'name' column")]
    [InlineData("name\n\"unclosed\n", "not closed")]
    [InlineData("", "empty")]
    public async Task AMalformedFile_SaysWhatIsWrong(string csv, string says)
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        var plan = await Plan(host, csv);
        Assert.Contains(plan.Problems, p => p.Message.Contains(says, StringComparison.Ordinal));
        Assert.Empty(plan.Devices);
    }

    [Fact]
    public async Task TenThousandDevices_AreCreatedInSeconds_WithCredentialsThatEnroll_AndAnIntactAuditLog()
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        var csv = new StringBuilder("name,description,san\r\n");
        for (var i = 0; i < 10_000; i++)
            csv.Append($"plant7-{i:D5},\"Line {i % 12}, bay {i % 40}\",dns:{{device}}.plant7.example\r\n");
        var importer = host.Services.GetRequiredService<DeviceImport>();

        var clock = Stopwatch.StartNew();
        var plan = await importer.PlanAsync(new StringReader("\uFEFF" + csv));
        var planned = clock.Elapsed;
        Assert.True(plan.IsValid, string.Join("; ", plan.Problems.Take(3)));
        var progress = new List<int>();
        var outcome = await importer.ImportAsync(plan.Devices, "test", new SynchronousProgress(progress.Add));
        clock.Stop();
        output.WriteLine($"10,000 devices: checked in {planned.TotalSeconds:0.00} s, checked and created in {clock.Elapsed.TotalSeconds:0.00} s");

        Assert.Null(outcome.Error);
        Assert.Equal(10_000, outcome.Created.Count);
        Assert.Equal(10_000, outcome.Created.Select(d => d.Secret).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i * DeviceImport.BatchSize), progress);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"10,000 devices took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(10_000, await DeviceCountAsync(host));
        Assert.True((await host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync()).Intact);

        var device = outcome.Created[9_999];
        using var client = host.CreateEstClient();
        using var enrolled = await PostAsync(client, "/.well-known/est/simpleenroll",
            TestCsr.Create($"CN={device.Name}", [$"{device.Name}.plant7.example"]).Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var credentials = DeviceImport.CredentialsCsv(outcome.Created).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,secret", credentials[0]);
        Assert.Equal($"{device.Name},{device.Secret}", credentials[^1]);
    }

    [Fact]
    public async Task ANameTakenBetweenCheckAndCreate_StopsThatBatch_AndTheRemainderRetriesWithoutDuplicates()
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        var csv = new StringBuilder("name\n");
        for (var i = 0; i < 2_500; i++)
            csv.Append($"race-{i:D4}\n");
        var importer = host.Services.GetRequiredService<DeviceImport>();
        var plan = await importer.PlanAsync(new StringReader(csv.ToString()));
        Assert.True(plan.IsValid);
        await host.AddDeviceAsync("race-1500"); // another operator, meanwhile: in the second batch

        var outcome = await importer.ImportAsync(plan.Devices, "test");

        Assert.NotNull(outcome.Error);
        Assert.Equal(DeviceImport.BatchSize, outcome.Created.Count);
        Assert.Equal(1_500, outcome.Remaining.Count);
        Assert.Equal("race-1000", outcome.Remaining[0].Name);
        Assert.Equal(1_001, await DeviceCountAsync(host));

        var retry = await importer.PlanAsync(new StringReader(DeviceImport.RemainderCsv(outcome.Remaining)));
        Assert.Equal("A device named 'race-1500' already exists.", Assert.Single(retry.Problems).Message);
        var withoutIt = await importer.PlanAsync(new StringReader(DeviceImport.RemainderCsv(outcome.Remaining.Where(l => l.Name != "race-1500"))));
        Assert.True(withoutIt.IsValid);
        Assert.Null((await importer.ImportAsync(withoutIt.Devices, "test")).Error);
        Assert.Equal(2_500, await DeviceCountAsync(host));
    }

    private static Task<DeviceImportPlan> Plan(EstPortalHost host, string csv) =>
        host.Services.GetRequiredService<DeviceImport>().PlanAsync(new StringReader(csv));

    private static async Task<int> DeviceCountAsync(EstPortalHost host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        return await db.Devices.CountAsync();
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test wants each report in order, as it happens.</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
