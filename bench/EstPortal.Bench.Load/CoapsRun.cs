using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Bench.Load;

/// <summary>
/// `--coaps`: EST over secure CoAP (RFC 9148, ADR 0023). Each load device first gets a certificate over HTTPS (the
/// DTLS handshake requires one), then <c>--connections</c> DTLS sessions post pre-made DER CSRs to /sen for the run's
/// duration, one Confirmable request in flight per session. Also measured: full handshakes per second (new sessions,
/// one after another) and the server's resident memory per idle session.
/// </summary>
internal static class CoapsRun
{
    private const int IdleSessions = 200;

    /// <summary>The app settings that turn the CoAP listener on, on a free UDP port, with limits that admit the bench's sessions.</summary>
    public static string[] AppSettings(int sessions)
    {
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var limit = (sessions + IdleSessions + 16).ToString(CultureInfo.InvariantCulture);
        return [$"--EstPortal:Coaps:Url=coaps://127.0.0.1:{port}", $"--EstPortal:Coaps:MaxSessions={limit}",
            $"--EstPortal:Coaps:MaxSessionsPerAddress={limit}", $"--EstPortal:Coaps:MaxHandshakesPerAddress={sessions}"];
    }

    public static async Task RunAsync(AppUnderTest server, string[] csrs, BenchOptions options, IReadOnlyList<string> appSettings)
    {
        var url = appSettings.First(s => s.StartsWith("--EstPortal:Coaps:Url=", StringComparison.Ordinal));
        var endPoint = new IPEndPoint(IPAddress.Loopback, new Uri(url[(url.IndexOf('=') + 1)..]).Port);
        var credentials = await IssueDeviceCertificatesAsync(server);
        Console.WriteLine($"coaps: {endPoint}, {credentials.Count} device certificates issued over HTTPS, {options.Connections} DTLS sessions");
        var sessions = Enumerable.Range(0, options.Connections).Select(i => credentials[i % credentials.Count]).ToArray();
        // The CSRs of session i's device: CsrPool names device (index % devices) in CSR index.
        var csrsOf = Enumerable.Range(0, credentials.Count)
            .Select(d => csrs.Where((_, index) => index % server.Devices.Count == d).Select(Convert.FromBase64String).ToArray()).ToArray();

        if (options.WarmupSeconds > 0)
        {
            await EnrollAsync(endPoint, sessions, csrsOf, TimeSpan.FromSeconds(options.WarmupSeconds));
            Console.WriteLine($"warm-up: {options.WarmupSeconds}s of /sen, not measured");
        }
        var before = server.BeginPhase();
        var enroll = await EnrollAsync(endPoint, sessions, csrsOf, TimeSpan.FromSeconds(options.Seconds));
        var after = server.Sample();
        Report.Print($"/sen over CoAP/DTLS ({options.Connections} sessions, one Confirmable request in flight each)", enroll, before, after, null);

        var beforeHandshakes = server.BeginPhase();
        var handshakes = Handshakes(endPoint, credentials[0], TimeSpan.FromSeconds(Math.Min(options.Seconds, 5)));
        var afterHandshakes = server.Sample();
        Report.Print("full DTLS handshakes (ECDHE-ECDSA, client certificate; new sessions one after another)", handshakes, beforeHandshakes, afterHandshakes, null);

        var perSession = IdleSessionBytes(server, endPoint, credentials[0]);
        Console.WriteLine();
        Console.WriteLine($"== idle DTLS sessions: {IdleSessions} held open; server RSS grew {perSession / 1024.0:N1} KiB per session");
        Console.WriteLine($"server peak RSS since ready, warm-up load included: {server.PeakSinceReadyMb:N0} MB");
    }

    private static async Task<IReadOnlyList<(X509Certificate2 Certificate, ECDsa Key)>> IssueDeviceCertificatesAsync(AppUnderTest server)
    {
        var issued = new (X509Certificate2, ECDsa)[server.Devices.Count];
        using var client = server.CreateClients(4, newConnectionPerRequest: false)[0];
        await Parallel.ForAsync(0, issued.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var csr = Convert.ToBase64String(new CertificateRequest($"CN={server.Devices[i].Name}", key, HashAlgorithmName.SHA256).CreateSigningRequest());
            issued[i] = (await EstEnrollment.EnrollAsync(client, server.Devices[i], csr), key);
        });
        return issued;
    }

    private static async Task<RunResult> EnrollAsync(IPEndPoint endPoint, (X509Certificate2 Certificate, ECDsa Key)[] sessions, byte[][][] csrsOf,
        TimeSpan duration)
    {
        // Sessions are opened before the clock starts (concurrently: the handshakes are not what this phase measures).
        var devices = await Task.WhenAll(sessions.Select(s => Task.Factory.StartNew(() => CoapsDevice.Connect(endPoint, s.Certificate, s.Key),
            TaskCreationOptions.LongRunning)));
        long ok = 0, failed = 0;
        string? firstError = null;
        var latencies = new List<double>[devices.Length];
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(devices.Select((device, loop) => Task.Factory.StartNew(() =>
        {
            var mine = latencies[loop] = new List<double>(4096);
            var csrs = csrsOf[loop % csrsOf.Length];
            for (var n = loop; stopwatch.Elapsed < duration; n++)
            {
                var started = Stopwatch.GetTimestamp();
                var error = device.SimpleEnroll(csrs[n % csrs.Length]);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (error is null)
                    Interlocked.Increment(ref ok);
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        }, TaskCreationOptions.LongRunning)));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        foreach (var device in devices)
            device.Dispose();
        return new RunResult(ok, failed, seconds, latencies.SelectMany(l => l).Order().ToArray(), firstError);
    }

    private static RunResult Handshakes(IPEndPoint endPoint, (X509Certificate2 Certificate, ECDsa Key) credential, TimeSpan duration)
    {
        var latencies = new List<double>();
        long failed = 0;
        string? firstError = null;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                CoapsDevice.Connect(endPoint, credential.Certificate, credential.Key).Dispose();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                failed++;
                firstError ??= ex.Message;
            }
        }
        return new RunResult(latencies.Count, failed, stopwatch.Elapsed.TotalSeconds, latencies.Order().ToArray(), firstError);
    }

    /// <summary>
    /// Resident memory of the server per established, idle session: RSS before and after opening
    /// <see cref="IdleSessions"/> sessions (the server is a separate process, so only its end is counted).
    /// </summary>
    private static double IdleSessionBytes(AppUnderTest server, IPEndPoint endPoint, (X509Certificate2 Certificate, ECDsa Key) credential)
    {
        Thread.Sleep(1000);
        var before = server.ResidentBytes();
        var idle = new List<CoapsDevice>(IdleSessions);
        try
        {
            for (var i = 0; i < IdleSessions; i++)
                idle.Add(CoapsDevice.Connect(endPoint, credential.Certificate, credential.Key));
            Thread.Sleep(1000);
            return (double)(server.ResidentBytes() - before) / IdleSessions;
        }
        finally
        {
            foreach (var device in idle)
                device.Dispose();
        }
    }
}
