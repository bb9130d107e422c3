using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace EstPortal.Bench.Load;

/// <summary>
/// Issue 11, item 4 (cheap refusals): one device enrolling at a steady, modest rate from 127.0.0.1 — first quiet, then
/// while N anonymous junk enrollment requests arrive as fast as they can from 127.0.0.2 — and the device's p99 in both
/// phases, plus what the audit log gained. The device's budget is what an operator cares about: a flood of refusals
/// must not make the real devices wait on the audit chain.
/// </summary>
internal static class FloodRun
{
    public static async Task RunAsync(AppUnderTest server, string[] csrs, BenchOptions options)
    {
        var device = server.Devices[0];
        // CsrPool names CSR i after device i % devices; this device sends only its own.
        var ownCsrs = csrs.Where((_, i) => i % server.Devices.Count == 0).ToArray();
        var interval = TimeSpan.FromSeconds(1.0 / options.Rate);
        using var deviceClient = server.CreateClientFrom(IPAddress.Parse("127.0.0.1"), 1);
        using var floodClient = server.CreateClientFrom(IPAddress.Parse("127.0.0.2"), options.Connections);
        var next = 0;

        async Task<double[]> DeviceAsync(Func<bool> keepGoing)
        {
            var latencies = new List<double>();
            var errors = 0;
            while (keepGoing())
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll") { Content = new StringContent(ownCsrs[next++ % ownCsrs.Length], Encoding.ASCII) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{device.Name}:{device.Secret}")));
                using var response = await deviceClient.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                var elapsed = Stopwatch.GetElapsedTime(started);
                latencies.Add(elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                    errors++;
                if (elapsed < interval)
                    await Task.Delay(interval - elapsed);
            }
            if (errors > 0)
                Console.WriteLine($"   device errors: {errors}");
            return latencies.Order().ToArray();
        }

        var rowsAtStart = await AuditRowsAsync(server);
        var quietClock = Stopwatch.StartNew();
        var quiet = await DeviceAsync(() => quietClock.Elapsed < TimeSpan.FromSeconds(options.Seconds));
        var rowsAfterQuiet = await AuditRowsAsync(server);
        Print("quiet", quiet, null);

        var flooding = true;
        var floodClock = Stopwatch.StartNew();
        // Spread over the phase (at most as fast as the server answers), so the device's p99 rests on as many samples
        // as the quiet phase's and every one of them meets the flood.
        var flood = FloodAsync(floodClient, options.Flood, options.Connections, TimeSpan.FromSeconds(options.Seconds));
        var underFlood = DeviceAsync(() => flooding);
        var statuses = await flood;
        var floodSeconds = floodClock.Elapsed.TotalSeconds;
        flooding = false;
        var loud = await underFlood;
        var rowsAfterFlood = await AuditRowsAsync(server);
        Print("while flooded", loud, $"{options.Flood:N0} junk requests in {floodSeconds:N1} s ({options.Flood / floodSeconds:N0}/s) from 127.0.0.2: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value:N0} × {(int)s.Key}")));
        Console.WriteLine($"   p99 ratio (flooded / quiet): {Percentile(loud, 0.99) / Math.Max(0.001, Percentile(quiet, 0.99)):N2}");

        Console.WriteLine();
        Console.WriteLine($"audit rows written: {rowsAfterQuiet - rowsAtStart:N0} in the quiet phase ({quiet.Length:N0} enrollments), "
            + $"{rowsAfterFlood - rowsAfterQuiet:N0} in the flooded phase ({loud.Length:N0} enrollments + {options.Flood:N0} refusals; summaries not yet due)");
        Console.WriteLine("waiting for the refusal summary (written once its minute is over) …");
        var summaries = await SummariesAsync(server, options.Flood, TimeSpan.FromSeconds(150));
        foreach (var (actor, reason, details) in summaries)
            Console.WriteLine($"   {actor}: {reason} ({details})");
        Console.WriteLine($"audit rows for the {options.Flood:N0} refusals: {summaries.Count}");
    }

    private static async Task<Dictionary<HttpStatusCode, int>> FloodAsync(HttpClient client, int total, int connections, TimeSpan spread)
    {
        var sent = 0;
        var statuses = new Dictionary<HttpStatusCode, int>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref sent)) <= total)
            {
                var due = spread * ((double)n / total);
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed);
                using var content = new StringContent("junk", Encoding.ASCII);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
                using var response = await client.PostAsync("/.well-known/est/simpleenroll", content);
                await response.Content.ReadAsByteArrayAsync();
                lock (statuses)
                    statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            }
        }));
        return statuses;
    }

    private static void Print(string phase, double[] latencies, string? flood)
    {
        Console.WriteLine();
        Console.WriteLine($"== device enrolling, {phase}");
        if (flood is not null)
            Console.WriteLine($"   {flood}");
        Console.WriteLine($"   {latencies.Length:N0} enrollments   p50 {Percentile(latencies, 0.50):N1} ms   p99 {Percentile(latencies, 0.99):N1} ms   max {Percentile(latencies, 1):N1} ms");
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static async Task<long> AuditRowsAsync(AppUnderTest server)
    {
        await using var connection = Open(server);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM \"AuditEvents\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The summary rows of 127.0.0.2, once their counts add up to the flood (or the wait is over).</summary>
    private static async Task<List<(string Actor, string Reason, string Details)>> SummariesAsync(AppUnderTest server, int expected, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = Open(server);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"Actor\", \"Reason\", \"Details\" FROM \"AuditEvents\" WHERE \"EventType\" = 'refusals.summarized' AND \"ClientIp\" = '127.0.0.2'";
            var rows = new List<(string, string, string)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
            var counted = rows.Sum(r => long.Parse(r.Item2.Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            if (counted >= expected || clock.Elapsed > wait)
                return rows;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static SqliteConnection Open(AppUnderTest server)
    {
        var path = server.SqliteDatabasePath ?? throw new InvalidOperationException("the flood mode reads the audit log of a SQLite instance");
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}
