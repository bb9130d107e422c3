using System.Diagnostics;
using System.Net;
using EstPortal.Coap;
using EstPortal.Tests.Support;
using Xunit.Abstractions;

namespace EstPortal.Tests.Coap;

/// <summary>Runs only when ESTPORTAL_BENCH_COAPS=1 (not part of the suite): see bench/coaps-enrollment.md.</summary>
public sealed class BenchOnlyFactAttribute : FactAttribute
{
    public BenchOnlyFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ESTPORTAL_BENCH_COAPS") != "1")
            Skip = "a measurement, run by hand with ESTPORTAL_BENCH_COAPS=1";
    }
}

/// <summary>
/// EST-coaps enrollments per second with our own DTLS load generator (BouncyCastle's DtlsClientProtocol), and the
/// memory one idle DTLS session costs. Client and server share this process, so the memory figure holds both ends.
/// </summary>
public sealed class CoapsThroughputMeasurement(ITestOutputHelper output)
{
    [BenchOnlyFact]
    public async Task Measure()
    {
        var coaps = new CoapsHost(new Dictionary<string, string?>
        {
            ["EstPortal:Coaps:MaxSessionsPerAddress"] = "600",
            ["EstPortal:Coaps:MaxSessions"] = "600",
            ["EstPortal:Coaps:MaxHandshakesPerAddress"] = "64",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await coaps.InitializeAsync();
        try
        {
            using var dir = new ToolWorkspace();
            var server = new IPEndPoint(IPAddress.Loopback, new Uri(coaps.Url).Port);
            const int Sessions = 8;
            var devices = new List<DeviceFiles>();
            for (var i = 0; i < Sessions; i++)
                devices.Add(await coaps.EnrolledDeviceAsync(dir, $"bench-coap-{i}-{CoapsInteropTests.Suffix()}"));

            // Handshakes per second (full ECDHE-ECDSA handshakes with client certificates, one at a time).
            var handshakeClock = Stopwatch.StartNew();
            for (var i = 0; i < 50; i++)
                TestDtlsClient.Connect(server, devices[0].Certificate, devices[0].Key).Dispose();
            output.WriteLine($"handshakes: {50 / handshakeClock.Elapsed.TotalSeconds:F1}/s (sequential, one client)");

            // Enrollments: each session posts /sen with pre-made CSRs for 15 s.
            var csrs = devices.Select(d => Enumerable.Range(0, 400).Select(_ => TestCsr.Create($"CN={d.Name}").Der).ToArray()).ToArray();
            var clients = devices.Select(d => TestDtlsClient.Connect(server, d.Certificate, d.Key)).ToArray();
            var issued = 0;
            var failed = 0;
            var duration = TimeSpan.FromSeconds(15);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select((client, i) => Task.Factory.StartNew(() =>
            {
                ushort id = 1;
                while (clock.Elapsed < duration)
                {
                    var request = CoapCodec.Encode(new CoapMessage(CoapMessageType.Confirmable, CoapCodes.Post, id, [(byte)i, (byte)id],
                    [
                        new CoapOption(CoapOptionNumbers.UriPath, ".well-known"u8.ToArray()),
                        new CoapOption(CoapOptionNumbers.UriPath, "est"u8.ToArray()),
                        new CoapOption(CoapOptionNumbers.UriPath, "sen"u8.ToArray()),
                        new CoapOption(CoapOptionNumbers.ContentFormat, CoapUint.Encode(286)),
                    ], csrs[i][id % 400]));
                    id++;
                    var reply = client.Exchange(request, 10_000);
                    if (reply is not null && CoapCodec.TryDecode(reply, out var message, out _) && message.Code == CoapCodes.Changed)
                        Interlocked.Increment(ref issued);
                    else
                        Interlocked.Increment(ref failed);
                }
            }, TaskCreationOptions.LongRunning)));
            var seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine($"enrollments over CoAP/DTLS: {issued / seconds:F1}/s ({issued} issued, {failed} not, {Sessions} sessions, {seconds:F1} s)");
            foreach (var client in clients)
                client.Dispose();

            // Memory per idle session: open 200 from one device, measure the managed heap before and after.
            await Task.Delay(500);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var idle = Enumerable.Range(0, 200).Select(_ => TestDtlsClient.Connect(server, devices[1].Certificate, devices[1].Key)).ToList();
            await Task.Delay(500);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            output.WriteLine($"managed memory per DTLS session (client + server ends): {(after - before) / 200 / 1024.0:F1} KiB");
            foreach (var client in idle)
                client.Dispose();
        }
        finally
        {
            await coaps.DisposeAsync();
        }
    }
}
