using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

// Usage: EstPortal.Bench.Api <portal-url> <api-key> <ca.pem> [--runs 20] [--creates 10000] [--concurrency 8]
// 1. Page latency: each list's first page and a page 20 cursors deep, timed end to end over HTTPS (one warm-up call each).
// 2. Device creation: --creates POST /api/v1/devices, one request per device, --concurrency at a time.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: EstPortal.Bench.Api <portal-url> <api-key> <ca.pem> [--runs 20] [--creates 10000] [--concurrency 8]");
    return 2;
}
var (url, key) = (args[0].TrimEnd('/'), args[1]);
using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(args[2]));
int runs = 20, creates = 10_000, concurrency = 8;
for (var i = 3; i < args.Length; i++)
{
    if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--creates") creates = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--concurrency") concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture);
}

// The portal's TLS certificate chains to the app's own CA (`ca export`), as for any API client.
using var client = new HttpClient(new SocketsHttpHandler
{
    SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsToCa(certificate) },
    MaxConnectionsPerServer = Math.Max(concurrency, 1),
})
{ BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

string[] lists =
[
    "/api/v1/devices?limit=50",
    "/api/v1/devices?search=dev-0999&limit=50",
    "/api/v1/certificates?limit=50",
    "/api/v1/certificates?state=valid&limit=50",
    "/api/v1/certificates?state=revoked&limit=50",
    "/api/v1/certificates?subject=CN%3Ddev-05&limit=50",
    "/api/v1/certificates?device=dev-012345&limit=50",
    "/api/v1/tokens?limit=50",
    "/api/v1/tokens?state=unused&limit=50",
    "/api/v1/audit?limit=50",
    "/api/v1/audit?type=est.simpleenroll&limit=50",
];

Console.WriteLine($"| page | items | median (ms) | p95 | max | page 20 via cursor: median (ms) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var list in lists)
{
    var (items, next) = await GetAsync(list); // warm-up (JIT, caches)
    var times = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var clock = Stopwatch.StartNew();
        await GetAsync(list);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    // Walk 19 cursors, then time the 20th page repeatedly.
    string? deep = next;
    for (var page = 2; page < 20 && deep is not null; page++)
        deep = (await GetAsync(list + "&cursor=" + deep)).Next;
    var deepTimes = new List<double>();
    if (deep is not null)
    {
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            await GetAsync(list + "&cursor=" + deep);
            deepTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
    }
    Console.WriteLine($"| {list} | {items} | {Median(times):F1} | {Percentile(times, 0.95):F1} | {times.Max():F1} | {(deepTimes.Count == 0 ? "(fewer pages)" : Median(deepTimes).ToString("F1", CultureInfo.InvariantCulture))} |");
}

if (creates > 0)
{
    var prefix = "bench-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + "-";
    var latencies = new double[creates];
    var failures = 0;
    var nextIndex = -1;
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref nextIndex)) < creates)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsync("/api/v1/devices",
                new StringContent($$"""{"name":"{{prefix}}{{i:D5}}","sanPatterns":["dns:{device}.bench.example"]}""", Encoding.UTF8, "application/json"));
            latencies[i] = clock.Elapsed.TotalMilliseconds;
            if ((int)response.StatusCode != 201)
                Interlocked.Increment(ref failures);
        }
    }));
    total.Stop();
    var sorted = latencies.ToList();
    Console.WriteLine();
    Console.WriteLine($"{creates} device creations, {concurrency} at a time: {total.Elapsed.TotalSeconds:F1} s, {creates / total.Elapsed.TotalSeconds:F0}/s, " +
        $"latency median {Median(sorted):F1} ms, p95 {Percentile(sorted, 0.95):F1} ms, max {sorted.Max():F1} ms, failures {failures}");
}
return 0;

async Task<(int Items, string? Next)> GetAsync(string path)
{
    using var response = await client.GetAsync(path);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
    using var json = JsonDocument.Parse(text);
    var next = json.RootElement.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
    return (json.RootElement.GetProperty("items").GetArrayLength(), next);
}

bool ChainsToCa(X509Certificate certificate)
{
    using var chain = new X509Chain();
    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.Add(ca);
    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
    using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
    return chain.Build(leaf);
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
