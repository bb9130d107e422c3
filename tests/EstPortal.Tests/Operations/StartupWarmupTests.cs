using System.Net;
using System.Text.RegularExpressions;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Operations;

/// <summary>
/// The start-up warm-up (ADR 0028) as an orchestrator and an operator see it: <c>/readyz</c> says "not ready" until the
/// enrollment path has run through a throw-away instance, and afterwards the real instance holds nothing of it — no
/// device, certificate, audit event, metric or temporary file.
/// Not alongside other test classes: a meter listener picks meters by name across the process, so their hosts'
/// enrollments would show in this host's /metrics too (which is why the throw-away instance renames its meters).
/// </summary>
[Collection(AppProcessCollection.Name)]
public sealed partial class StartupWarmupTests
{
    [Fact]
    public async Task Readyz_WaitsForTheWarmup_WhichEnrollsThroughAThrowawayInstance_AndLeavesNoTrace()
    {
        var managementUrl = $"http://127.0.0.1:{Loopback.FreePort()}";
        var logs = new CapturedLogs();
        var temporaryBefore = WarmupDirectories();
        // A management endpoint of its own: had the real settings reached the throw-away instance, it would have
        // tried to bind the same port, and its warm-up would have failed instead of enrolling.
        await using var warmed = EstPortalHost.Create(logs: logs, extraSettings: new()
        {
            ["EstPortal:Warmup:Seconds"] = "2",
            ["Kestrel:Endpoints:Management:Url"] = managementUrl,
        });
        await warmed.InitializeAsync();
        using var est = warmed.CreateEstClient();

        var answers = await ReadyzUntilReadyAsync(est);

        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable && a.Body.StartsWith("not ready: warm-up: warming up", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.OK, "ready"), answers[^1]);
        var done = Assert.Single(logs.Lines, l => l.Contains("Warm-up done", StringComparison.Ordinal));
        Assert.True(int.Parse(EnrollmentCount().Match(done).Groups[1].Value) > 0, done);
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Warning EstPortal.Operations.Warmup", StringComparison.Ordinal));
        Assert.Equal(temporaryBefore, WarmupDirectories());

        // The real database: what a server started without the warm-up holds, no more.
        await using var cold = EstPortalHost.Create();
        await cold.InitializeAsync();
        Assert.Equal(await ContentsAsync(cold), await ContentsAsync(warmed));
        var metrics = await ScrapeAsync(managementUrl);
        Assert.Empty(PrometheusText.Values(metrics, "estportal_enrollments_total"));
        Assert.Equal(0.0, PrometheusText.Values(metrics, "http_server_request_duration_seconds_count", ("http_request_method", "POST")).Sum());

        // And the server itself works: the first real enrollment is its first counted one.
        var device = await warmed.AddDeviceAsync("after-warmup");
        using var issued = await EstCalls.PostAsync(est, "/.well-known/est/simpleenroll", TestCsr.Create("CN=after-warmup").Base64, EstCalls.Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        metrics = await ScrapeAsync(managementUrl);
        Assert.Equal(1.0, PrometheusText.Values(metrics, "estportal_enrollments_total", ("outcome", "issued")).Sum());
        Assert.Equal(1.0, PrometheusText.Values(metrics, "http_server_request_duration_seconds_count", ("http_request_method", "POST")).Sum());
    }

    [Fact]
    public async Task AWarmupThatCannotRun_IsLoggedAsAWarning_AndTheServerBecomesReadyAllTheSame()
    {
        // TMPDIR is a file: the throw-away instance's directory cannot be created.
        var notADirectory = Path.GetTempFileName();
        try
        {
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string?> { ["TMPDIR"] = notADirectory }, "--EstPortal:Warmup:Seconds=2");
            using var est = app.CreateClient(app.EstUrl);

            var answers = await ReadyzUntilReadyAsync(est);

            Assert.Equal((HttpStatusCode.OK, "ready"), answers[^1]);
            Assert.True(await app.WaitForOutputAsync(o => o.Contains("Warm-up failed; the server is ready, only its first requests will be slower", StringComparison.Ordinal)), app.Stdout);
            Assert.DoesNotContain("Warm-up done", app.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notADirectory);
        }
    }

    [Theory]
    [InlineData("Seconds", "-1", "EstPortal:Warmup:Seconds must be between 0 (off) and 120, not -1")]
    [InlineData("Connections", "0", "EstPortal:Warmup:Connections must be between 1 and 16, not 0")]
    public async Task ABadWarmupSetting_StopsTheStartWithItsName(string key, string value, string message)
    {
        var failure = await EstPortalHost.StartupFailureAsync(new() { [$"EstPortal:Warmup:{key}"] = value });

        Assert.Contains(message, failure.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Every /readyz answer from the start until the first "ready" (at most 3 minutes: a loaded CI machine).</summary>
    private static async Task<List<(HttpStatusCode Status, string Body)>> ReadyzUntilReadyAsync(HttpClient client)
    {
        var answers = new List<(HttpStatusCode, string)>();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/readyz");
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            if (response.StatusCode == HttpStatusCode.OK)
                return answers;
            await Task.Delay(100);
        }
        throw new TimeoutException($"not ready after 3 minutes; last answer: {answers[^1]}");
    }

    private static SortedSet<string> WarmupDirectories() =>
        new(Directory.EnumerateDirectories(Path.GetTempPath(), "estportal-warmup-*"), StringComparer.Ordinal);

    /// <summary>What a server holds after its start: row counts, and the audit events by type and outcome.</summary>
    private static async Task<string> ContentsAsync(EstPortalHost host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var events = await db.AuditEvents.Select(e => e.EventType + "/" + e.Outcome).ToListAsync();
        events.Sort(StringComparer.Ordinal);
        return $"devices {await db.Devices.CountAsync()}, credentials {await db.DeviceCredentials.CountAsync()}, " +
               $"certificates {await db.IssuedCertificates.CountAsync()}, CAs {await db.CertificateAuthorities.CountAsync()}, " +
               $"pending {await db.PendingEnrollments.CountAsync()}, audit [{string.Join(", ", events)}]";
    }

    private static async Task<string> ScrapeAsync(string managementUrl)
    {
        using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };
        return await management.GetStringAsync("/metrics");
    }

    [GeneratedRegex(@" (\d+) enrollments ")]
    private static partial Regex EnrollmentCount();
}
