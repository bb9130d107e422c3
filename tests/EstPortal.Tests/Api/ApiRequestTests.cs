using System.Net.Http.Headers;
using System.Text;
using EstPortal.Admin;
using EstPortal.Data.Entities;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Api;

/// <summary>
/// What an integrator meets at the edges: bad input is a 400 problem naming what is wrong (never a 500), a revoked key
/// stops at once, a retried create with its Idempotency-Key gets the first answer, pages follow their cursors.
/// </summary>
public sealed class ApiRequestTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    public static TheoryData<string, string, string?, string> BadRequests() => new()
    {
        // method, path, JSON body (null: none), what the detail must say
        { "POST", "/api/v1/devices", """{"name":""", "not valid JSON" },
        { "POST", "/api/v1/devices", """{"name":"x","colour":"red"}""", "Unknown field at '$.colour'" },
        { "POST", "/api/v1/devices", """{"name":7}""", "Wrong type at '$.name'" },
        { "POST", "/api/v1/devices", """{"name":"x","sanPatterns":"dns:x"}""", "Wrong type at '$.sanPatterns'" },
        { "POST", "/api/v1/devices", """{"name":"x","name":"y"}""", "twice" },
        { "POST", "/api/v1/devices", "null", "JSON object" },
        { "POST", "/api/v1/devices", "", "needs a JSON body" },
        { "POST", "/api/v1/devices", """{"name":"a:b"}""", "cannot contain ':'" },
        { "POST", "/api/v1/devices", "{\"name\":\"" + new string('x', 70_000) + "\"}", "larger than 65536 bytes" },
        { "POST", "/api/v1/tokens", """{"ttl":"forever"}""", "'ttl' is a lifetime" },
        { "POST", "/api/v1/tokens", """{"device":"nobody"}""", "No device is named 'nobody'" },
        { "POST", "/api/v1/certificates/01/revoke", """{"reason":7}""", "Wrong type at '$.reason'" },
        { "POST", "/api/v1/certificates/01/revoke", """{"reason":"lost it"}""", "'reason' is an RFC 5280 reason" },
        { "GET", "/api/v1/devices?cursor=not-a-cursor", null, "cursor" },
        { "GET", "/api/v1/devices?cursor=dG9rZW5zfDEyLjE", null, "cursor" }, // a tokens cursor on the devices list
        { "GET", "/api/v1/tokens?cursor=dG9rZW5zfHgueQ", null, "cursor" }, // "tokens|x.y"
        { "GET", "/api/v1/certificates?cursor=%25%25", null, "cursor" },
        { "GET", "/api/v1/audit?cursor=YXVkaXR8LTE", null, "cursor" }, // "audit|-1"
        { "GET", "/api/v1/devices?limit=0", null, "'limit'" },
        { "GET", "/api/v1/devices?limit=ten", null, "'limit'" },
        { "GET", "/api/v1/tokens?state=lost", null, "'state'" },
        { "GET", "/api/v1/certificates?state=good", null, "'state'" },
        { "GET", "/api/v1/audit?from=yesterday", null, "'from'" },
        { "GET", "/api/v1/approvals?status=maybe", null, "'status'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_IsA400ProblemSayingWhatIsWrong(string method, string path, string? body, string expected)
    {
        using var client = ApiCalls.Client(host, await KeyAsync(OperatorRoles.Admin));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = ApiCalls.Json(body);

        using var response = await client.SendAsync(request);

        var detail = await ApiCalls.AssertProblemAsync(response, 400);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyThatIsNotJson_Is415Problem_AndUnknownRouteOrMethodIsAProblemToo()
    {
        using var client = ApiCalls.Client(host, await KeyAsync(OperatorRoles.Admin));
        using var form = await client.PostAsync("/api/v1/devices", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var missing = await client.GetAsync("/api/v1/gadgets");
        using var wrongMethod = await client.DeleteAsync("/api/v1/devices");

        Assert.Contains("application/json", await ApiCalls.AssertProblemAsync(form, 415), StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", await ApiCalls.AssertProblemAsync(missing, 404), StringComparison.Ordinal);
        await ApiCalls.AssertProblemAsync(wrongMethod, 405);
    }

    [Fact]
    public async Task DuplicateName_Is409_AndTheFirstDeviceKeepsItsSecret()
    {
        using var client = ApiCalls.Client(host, await KeyAsync(OperatorRoles.Operator));
        using var first = await client.PostJsonAsync("/api/v1/devices", """{"name":"dup-1","description":"first"}""");
        using var second = await client.PostJsonAsync("/api/v1/devices", """{"name":"dup-1","description":"second"}""");

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal("/api/v1/devices/dup-1", first.Headers.Location?.OriginalString);
        Assert.Contains("already exists", await ApiCalls.AssertProblemAsync(second, 409), StringComparison.Ordinal);
        Assert.Equal("first", (await host.Services.GetRequiredService<DeviceAdmin>().FindAsync("dup-1"))?.Description);
    }

    [Fact]
    public async Task CreateRetriedWithTheSameIdempotencyKey_GetsTheFirstAnswer_OneDevice()
    {
        using var client = ApiCalls.Client(host, await KeyAsync(OperatorRoles.Operator));
        async Task<HttpResponseMessage> Create(string body, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/devices") { Content = ApiCalls.Json(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        var key = Guid.NewGuid().ToString();
        using var first = await Create("""{"name":"idem-1"}""", key);
        using var retry = await Create("""{"name":"idem-1"}""", key);
        using var otherBody = await Create("""{"name":"idem-2"}""", key);

        var a = await ApiCalls.ReadJsonAsync(first);
        var b = await ApiCalls.ReadJsonAsync(retry);
        Assert.Equal(201, (int)retry.StatusCode);
        Assert.Equal(a.GetProperty("secret").GetString(), b.GetProperty("secret").GetString());
        Assert.Contains("another request body", await ApiCalls.AssertProblemAsync(otherBody, 422), StringComparison.Ordinal);
        Assert.Null(await host.Services.GetRequiredService<DeviceAdmin>().FindAsync("idem-2"));
        // The secret works: the device's credential is the one answered twice.
        using var est = host.CreateEstClient();
        est.DefaultRequestHeaders.Authorization = EstCalls.Basic("idem-1", a.GetProperty("secret").GetString()!);
        using var enrolled = await est.PostAsync("/.well-known/est/simpleenroll",
            new StringContent(TestCsr.Create("CN=idem-1").Base64, Encoding.ASCII, "application/pkcs10"));
        Assert.Equal(200, (int)enrolled.StatusCode);
    }

    [Fact]
    public async Task RevokedKey_IsRefusedOnItsVeryNextRequest()
    {
        var key = await ApiCalls.CreateKeyAsync(host, "soon-revoked", OperatorRoles.Admin);
        using var client = ApiCalls.Client(host, key);
        using var before = await client.GetAsync("/api/v1/devices");
        Assert.Equal(200, (int)before.StatusCode);

        var revoked = await EstPortalCli.RunAsync(host.DataDirectory, "apikey", "revoke", "soon-revoked");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        using var after = await client.GetAsync("/api/v1/devices");

        Assert.Contains("revoked", await ApiCalls.AssertProblemAsync(after, 401), StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyCalls_AreAuditedAsApiKeyName_AndLastUsedIsRecorded()
    {
        var key = await ApiCalls.CreateKeyAsync(host, "factory-line-3", OperatorRoles.Admin);
        using var client = ApiCalls.Client(host, key);
        using var created = await client.PostJsonAsync("/api/v1/devices", """{"name":"audited-1"}""");
        Assert.Equal(201, (int)created.StatusCode);

        using var audit = await client.GetAsync("/api/v1/audit?type=device.added&actor=apikey:factory-line-3");
        var items = (await ApiCalls.ReadJsonAsync(audit)).GetProperty("items");

        var row = Assert.Single(items.EnumerateArray());
        Assert.Contains("audited-1", row.GetProperty("details").GetString(), StringComparison.Ordinal);
        var listed = (await host.Services.GetRequiredService<ApiKeyAdmin>().ListAsync()).Single(k => k.Name == "factory-line-3");
        Assert.NotNull(listed.LastUsedAt);
    }

    [Fact]
    public async Task DevicePages_FollowTheirCursor_WithoutRepeatsOrGaps_WhileDevicesAreAdded()
    {
        using var client = ApiCalls.Client(host, await KeyAsync(OperatorRoles.Auditor));
        for (var i = 0; i < 7; i++)
            await host.AddDeviceAsync($"page-{i:D2}");
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var response = await client.GetAsync("/api/v1/devices?search=page-&limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            var page = await ApiCalls.ReadJsonAsync(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()!));
            cursor = page.TryGetProperty("next", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            // Inserted before the current position: must not shift what the next page shows.
            if (pages++ == 0)
                await host.AddDeviceAsync("page-00a");
        }
        while (cursor is not null);

        Assert.Equal(["page-00", "page-01", "page-02", "page-03", "page-04", "page-05", "page-06"], seen);
    }

    [Fact]
    public async Task ApiKeyCommands_PrintTheKeyAloneOnTheLastLine_ListAndRevoke()
    {
        var added = await EstPortalCli.RunAsync(host.DataDirectory, "apikey", "add", "mdm", "--role", "Operator", "--expires", "90d");
        var listed = await EstPortalCli.RunAsync(host.DataDirectory, "apikey", "list");
        var wrongRole = await EstPortalCli.RunAsync(host.DataDirectory, "apikey", "add", "bad", "--role", "Root");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.StartsWith("estp_", added.LastLine, StringComparison.Ordinal);
        Assert.DoesNotContain(added.LastLine, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains(listed.Stdout.Split('\n'), l => l.StartsWith("mdm\tOperator\t", StringComparison.Ordinal) && l.EndsWith("\tnever\tactive", StringComparison.Ordinal));
        Assert.Equal(1, wrongRole.ExitCode);
        Assert.Contains("not a role", wrongRole.Stderr, StringComparison.Ordinal);
        using var client = ApiCalls.Client(host, added.LastLine);
        using var response = await client.GetAsync("/api/v1/profiles");
        Assert.Equal(200, (int)response.StatusCode);
    }

    private async Task<string> KeyAsync(string role) => await ApiCalls.CreateKeyAsync(host, $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..20], role);
}

/// <summary>The per-key limit (RFC 6585 §4): over it, 429 with Retry-After and a problem; another key is not affected.</summary>
public sealed class ApiRateLimitTests
{
    [Fact]
    public async Task KeyOverItsLimit_Gets429WithRetryAfter_AnotherKeyGoesOn()
    {
        await using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:Api:RequestsPerMinute"] = "3" });
        await host.InitializeAsync();
        using var busy = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "busy", OperatorRoles.Auditor));
        using var other = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "other", OperatorRoles.Auditor));

        for (var i = 0; i < 3; i++)
        {
            using var ok = await busy.GetAsync("/api/v1/profiles");
            Assert.Equal(200, (int)ok.StatusCode);
        }
        using var refused = await busy.GetAsync("/api/v1/profiles");
        using var fine = await other.GetAsync("/api/v1/profiles");

        Assert.Contains("3 requests a minute", await ApiCalls.AssertProblemAsync(refused, 429), StringComparison.Ordinal);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.Equal(200, (int)fine.StatusCode);
    }
}
