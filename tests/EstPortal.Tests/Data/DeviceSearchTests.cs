using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Data;

/// <summary>
/// The device search (portal Devices page and GET /api/v1/devices?search=) finds a substring of the name or the
/// description ignoring case, takes '%', '_' and '"' literally, finds texts shorter than the trigram index holds, and
/// stays in step when a device's text changes or it is deleted — on every supported database (ADR 0026).
/// </summary>
public sealed class DeviceSearchTests
{
    private static readonly (string Name, string? Description)[] Fleet =
    [
        ("pump-7", null),
        ("Pump-8", "north hall"),
        ("boiler-1", "feeds the PUMP room"),
        ("valve_100%", null),
        ("valve-1000", "50% open"),
        ("quote\"d", null),
        ("sensor-ä", "Straße 5"),
    ];

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Search_FindsSubstringsOfNameOrDescription_IgnoringCase_WithWildcardsTakenLiterally(DatabaseProvider provider)
    {
        await using var host = await StartWithFleetAsync(provider);

        await AssertFindsAsync(host, "pump", "boiler-1", "Pump-8", "pump-7");
        await AssertFindsAsync(host, "PUMP-7", "pump-7");
        await AssertFindsAsync(host, "_", "valve_100%");
        await AssertFindsAsync(host, "%", "valve_100%", "valve-1000");
        await AssertFindsAsync(host, "e_1", "valve_100%");
        await AssertFindsAsync(host, "0% o", "valve-1000");
        await AssertFindsAsync(host, "e\"d", "quote\"d");
        await AssertFindsAsync(host, "r-ä", "sensor-ä");
        await AssertFindsAsync(host, "straße", "sensor-ä");
        await AssertFindsAsync(host, "pump-9");
        await AssertFindsAsync(host, "  ", Fleet.Select(d => d.Name).ToArray());
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Search_ShorterThanATrigram_IsAnsweredToo(DatabaseProvider provider)
    {
        await using var host = await StartWithFleetAsync(provider);

        await AssertFindsAsync(host, "mP", "boiler-1", "Pump-8", "pump-7");
        await AssertFindsAsync(host, "1", "boiler-1", "valve_100%", "valve-1000");
        await AssertFindsAsync(host, "\"", "quote\"d");
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Search_FollowsAChangedDescription_AndForgetsADeletedDevice(DatabaseProvider provider)
    {
        await using var host = await StartWithFleetAsync(provider);

        await host.ExecuteOutsideAppAsync("""UPDATE "Devices" SET "Description" = 'moved to the annex' WHERE "Name" = 'Pump-8'""");
        await host.ExecuteOutsideAppAsync("""DELETE FROM "DeviceCredentials" WHERE "DeviceId" IN (SELECT "Id" FROM "Devices" WHERE "Name" = 'pump-7')""");
        await host.ExecuteOutsideAppAsync("""DELETE FROM "Devices" WHERE "Name" = 'pump-7'""");
        await host.AddDeviceAsync("annex-pump");

        await AssertFindsAsync(host, "north");
        await AssertFindsAsync(host, "annex", "annex-pump", "Pump-8");
        await AssertFindsAsync(host, "pump", "annex-pump", "boiler-1", "Pump-8");
    }

    [Fact]
    public async Task ATextMostDevicesContain_IsFoundAlongTheNames_WithTheSameAnswers()
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        // More candidates than DeviceSearch.BroadText, so "ulk" takes the broad path and "ulk-1" the trigram table.
        await host.ExecuteOutsideAppAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {DeviceSearch.BroadText + 99})
            INSERT INTO "Devices" ("Id", "Name", "Disabled", "CreatedAt") SELECT printf('%08X-0000-0000-0000-000000000000', i), printf('bulk-%04d', i), 0, 0 FROM n
            """);
        var devices = host.Services.GetRequiredService<DeviceAdmin>();
        var pages = host.Services.GetRequiredService<KeysetPages>();

        var (broad, broadTotal) = await devices.ListAsync("ULK", 0, 50);
        var (narrow, narrowTotal) = await devices.ListAsync("ulk-1", 0, 50);
        var apiBroad = await pages.DevicesAsync("ulk", "bulk-0049", 50);

        Assert.Equal(DeviceSearch.BroadText + 100, broadTotal);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"bulk-{i:D4}"), broad.Select(d => d.Name));
        Assert.Equal(1_000, narrowTotal);
        Assert.Equal(Enumerable.Range(1000, 50).Select(i => $"bulk-{i:D4}"), narrow.Select(d => d.Name));
        Assert.Equal(Enumerable.Range(50, 50).Select(i => $"bulk-{i:D4}"), apiBroad.Items.Select(d => d.Name));
    }

    private static async Task<EstPortalHost> StartWithFleetAsync(DatabaseProvider provider)
    {
        var host = await EstPortalHost.StartAsync(provider);
        var devices = host.Services.GetRequiredService<DeviceAdmin>();
        foreach (var (name, description) in Fleet)
            Assert.True((await devices.AddAsync(name, description, "test")).Succeeded, name);
        return host;
    }

    /// <summary>
    /// Exactly these devices are found, asked both ways the search is offered (the portal's list with its count, the
    /// API's pages), which must agree.
    /// </summary>
    private static async Task AssertFindsAsync(EstPortalHost host, string text, params string[] names)
    {
        var (portal, total) = await host.Services.GetRequiredService<DeviceAdmin>().ListAsync(text, 0, 100);
        var api = await host.Services.GetRequiredService<KeysetPages>().DevicesAsync(text, null, 100);
        Assert.Equal(names.Order(StringComparer.Ordinal), portal.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Equal(names.Length, total);
        Assert.Equal(portal.Select(d => d.Name), api.Items.Select(d => d.Name));
    }
}
