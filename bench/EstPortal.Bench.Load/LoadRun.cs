using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace EstPortal.Bench.Load;

internal sealed record RunResult(long Succeeded, long Failed, double Seconds, double[] LatenciesMs, string? FirstError);

/// <summary>N concurrent loops for a fixed time, each request timed.</summary>
internal static class LoadRun
{
    public static Task<RunResult> EnrollAsync(AppUnderTest server, string[] csrs, int connections, TimeSpan duration, bool newConnectionPerRequest,
        string path = "/.well-known/est/simpleenroll")
    {
        long next = 0;
        return RunAsync(server, connections, duration, newConnectionPerRequest, async (client, loop) =>
        {
            var device = server.Devices[loop % server.Devices.Count];
            var csr = csrs[Interlocked.Increment(ref next) % csrs.Length];
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

    private static async Task<RunResult> RunAsync(AppUnderTest server, int connections, TimeSpan duration, bool newConnectionPerRequest,
        Func<HttpClient, int, Task<string?>> send)
    {
        var clients = server.CreateClients(connections, newConnectionPerRequest);
        HttpClient ClientOf(int loop) => clients[loop % clients.Count];
        // Warm-up: open the connections and JIT the paths before the clock starts.
        await Task.WhenAll(Enumerable.Range(0, connections).Select(i => send(ClientOf(i), i)));

        long ok = 0, failed = 0;
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
                    Interlocked.Increment(ref ok);
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
        return new RunResult(ok, failed, stopwatch.Elapsed.TotalSeconds, all, firstError);
    }
}
