using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace EstPortal.Bench.Load;

/// <param name="PerSecond">Successful requests completed in each whole second of the run (index 0: the first second).</param>
internal sealed record RunResult(long Succeeded, long Failed, double Seconds, double[] LatenciesMs, string? FirstError, long[]? PerSecond = null);

/// <summary>N concurrent loops for a fixed time, each request timed.</summary>
internal static class LoadRun
{
    /// <param name="primed">False for a cold run: the clock starts with the very first request (connections and JIT included).</param>
    public static Task<RunResult> EnrollAsync(AppUnderTest server, string[] csrs, int connections, TimeSpan duration, bool newConnectionPerRequest,
        string path = "/.well-known/est/simpleenroll", bool primed = true)
    {
        long next = 0;
        return RunAsync(server.CreateClients(connections, newConnectionPerRequest), connections, duration, primed, async (client, _) =>
        {
            // CSR i names device i % devices (CsrPool): each request carries the credential of the device its CSR names.
            var index = (int)(Interlocked.Increment(ref next) % csrs.Length);
            var device = server.Devices[index % server.Devices.Count];
            var csr = csrs[index];
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(csr, Encoding.ASCII) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{device.Name}:{device.Secret}")));
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode} {Encoding.UTF8.GetString(body)}";
        });
    }

    public static Task<RunResult> CaCertsAsync(AppUnderTest server, int connections, TimeSpan duration, bool newConnectionPerRequest) =>
        RunAsync(server, connections, duration, newConnectionPerRequest, async (client, _) =>
        {
            using var response = await client.GetAsync("/.well-known/est/cacerts");
            await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode}";
        });

    /// <summary>
    /// RFC 6960 A.1 GETs on the Public endpoint, cycling through the fleet's certificates; each answer must carry the
    /// status the fleet expects (good, or revoked).
    /// </summary>
    public static Task<RunResult> OcspGetAsync(AppUnderTest server, OcspFleet fleet, int connections, TimeSpan duration)
    {
        long next = 0;
        return RunAsync(server.CreatePublicClients(connections), connections, duration, primed: true, async (client, _) =>
        {
            var i = (int)(Interlocked.Increment(ref next) % fleet.Paths.Count);
            using var response = await client.GetAsync(fleet.Paths[i]);
            var body = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK)
                return $"{(int)response.StatusCode}";
            var status = OcspFleet.StatusOf(body);
            return status == (fleet.Revoked[i] ? 1 : 0) ? null : $"certificate {i}: certStatus {status}, expected {(fleet.Revoked[i] ? "revoked" : "good")}";
        });
    }

    private static Task<RunResult> RunAsync(AppUnderTest server, int connections, TimeSpan duration, bool newConnectionPerRequest,
        Func<HttpClient, int, Task<string?>> send) =>
        RunAsync(server.CreateClients(connections, newConnectionPerRequest), connections, duration, primed: true, send);

    private static async Task<RunResult> RunAsync(IReadOnlyList<HttpClient> clients, int connections, TimeSpan duration, bool primed,
        Func<HttpClient, int, Task<string?>> send)
    {
        HttpClient ClientOf(int loop) => clients[loop % clients.Count];
        // Warm-up: open the connections and JIT the paths before the clock starts.
        if (primed)
            await Task.WhenAll(Enumerable.Range(0, connections).Select(i => send(ClientOf(i), i)));

        long ok = 0, failed = 0;
        var perSecond = new long[(int)Math.Ceiling(duration.TotalSeconds) + 120];
        string? firstError = null;
        var latencies = new List<double>[connections];
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async loop =>
        {
            var mine = latencies[loop] = new List<double>(4096);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    error = await send(ClientOf(loop), loop);
                }
                catch (HttpRequestException ex)
                {
                    error = ex.Message;
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (error is null)
                {
                    Interlocked.Increment(ref ok);
                    Interlocked.Increment(ref perSecond[Math.Min(perSecond.Length - 1, (int)stopwatch.Elapsed.TotalSeconds)]);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        }));
        foreach (var client in clients)
            client.Dispose();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new RunResult(ok, failed, stopwatch.Elapsed.TotalSeconds, all, firstError, perSecond[..(int)Math.Ceiling(duration.TotalSeconds)]);
    }
}
