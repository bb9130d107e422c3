using System.Diagnostics;
using System.Text.Json;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Operations;

/// <summary>
/// A request's W3C trace id (sent by the client in <c>traceparent</c>) shows up in the console log lines the request
/// produced, in the default human-readable format and in the JSON format.
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed class TraceIdLoggingTests
{
    [Fact]
    public async Task DefaultConsole_LinesOfARequestCarryItsTraceId()
    {
        await using var app = await AppProcess.StartAsync();
        var traceId = await SendRefusedEnrollmentAsync(app);

        Assert.True(await app.WaitForOutputAsync(o => o.Contains($"TraceId:{traceId}", StringComparison.Ordinal)), app.Stdout);
        Assert.Contains("info: EstPortal.Audit.AuditLog", app.Stdout);
    }

    [Fact]
    public async Task JsonConsole_AuditLineIsJsonWithTheTraceIdInItsScopes()
    {
        await using var app = await AppProcess.StartAsync("--EstPortal:Logging:Json=true");
        var traceId = await SendRefusedEnrollmentAsync(app);

        Assert.True(await app.WaitForOutputAsync(o => AuditLines(o).Any(l => HasTraceId(l, traceId))), app.Stdout);
    }

    private static async Task<string> SendRefusedEnrollmentAsync(AppProcess app)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var client = app.CreateClient(app.EstUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll")
        {
            Content = new StringContent(TestCsr.Create("CN=trace-device").Base64),
        };
        request.Content.Headers.ContentType = new("application/pkcs10");
        request.Headers.Authorization = EstCalls.Basic("nobody", "wrong");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        return traceId;
    }

    private static IEnumerable<JsonElement> AuditLines(string output)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
                continue;
            JsonElement json;
            try
            {
                json = JsonSerializer.Deserialize<JsonElement>(line);
            }
            catch (JsonException)
            {
                continue;
            }
            if (json.TryGetProperty("Category", out var category) && category.GetString() == "EstPortal.Audit.AuditLog")
                yield return json;
        }
    }

    private static bool HasTraceId(JsonElement line, string traceId) =>
        line.TryGetProperty("Scopes", out var scopes)
        && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId);
}

/// <summary>
/// Server processes do a full first start (keys, schema, CA); run them after the parallel tests rather than alongside
/// the admin-command processes, whose timeouts assume a machine that is not saturated.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppProcessCollection
{
    public const string Name = "Server processes";
}
