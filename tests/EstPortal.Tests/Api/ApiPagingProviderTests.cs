using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Lifecycle;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Api;

/// <summary>
/// The API's cursor pages and key checks on every supported database: each list walked two rows at a time returns
/// every row once, newest first where time-ordered, and a revoked key stops.
/// </summary>
public sealed class ApiPagingProviderTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task EveryList_WalkedByCursor_ReturnsEachRowOnce(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        using var api = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "walker", OperatorRoles.Admin));
        var serials = new List<string>();
        for (var i = 0; i < 3; i++)
            serials.Add((await LifecycleSteps.EnrollAsync(host, $"walk-{i}")).Serial);
        for (var i = 0; i < 3; i++)
            await host.IssueTokenAsync();

        var devices = await WalkAsync(api, "/api/v1/devices?limit=2", "name");
        var certificates = await WalkAsync(api, "/api/v1/certificates?state=valid&limit=2", "serial");
        var tokens = await WalkAsync(api, "/api/v1/tokens?state=unused&limit=2", "id");
        var audit = await WalkAsync(api, "/api/v1/audit?limit=2", "sequence");

        Assert.Equal(devices.Order(StringComparer.Ordinal), devices);
        Assert.Equal(3, devices.Count(d => d.StartsWith("walk-", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Reverse(serials).Select(s => s.TrimStart('0')), certificates.Select(s => s.TrimStart('0'))); // newest first
        Assert.Equal(3, tokens.Distinct().Count());
        Assert.Equal(audit.Count, audit.Distinct().Count());
        Assert.True(audit.Count >= 9, $"only {audit.Count} audit events");

        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<EstPortal.Admin.ApiKeyAdmin>(host.Services).RevokeAsync("walker", "test");
        using var refused = await api.GetAsync("/api/v1/devices");
        await ApiCalls.AssertProblemAsync(refused, 401);
    }

    private static async Task<List<string>> WalkAsync(HttpClient api, string path, string field)
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await api.GetAsync(path + (cursor is null ? "" : "&cursor=" + cursor));
            var page = await ApiCalls.ReadJsonAsync(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(field).ToString()));
            cursor = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }
        while (cursor is not null);
        return seen;
    }
}
