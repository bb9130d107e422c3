using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Bench.Load;

/// <param name="LoadGeneratorCpuSeconds">This process's own CPU time: the share of the cores the load takes to generate.</param>
internal sealed record ServerSample(double CpuSeconds, double PeakRssMb, DateTime At, double LoadGeneratorCpuSeconds);

/// <summary>
/// The built app, started as its own process(es) exactly as an operator would run it: on a fresh data directory
/// (SQLite), or N instances on a fresh PostgreSQL database sharing one key-encryption key.
/// </summary>
internal sealed class AppUnderTest : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<string> _estUrls = [];
    private readonly List<string> _publicUrls = [];
    private readonly string _dataDirectory;
    private readonly BenchDatabase _database;
    private double _peakSinceReadyMb;

    private AppUnderTest(string dataDirectory, BenchDatabase database, X509Certificate2 ca, IReadOnlyList<(string Name, string Secret)> devices)
    {
        _dataDirectory = dataDirectory;
        _database = database;
        Ca = ca;
        Devices = devices;
    }

    public string Pids => string.Join(", ", _processes.Select(p => p.Id));
    public IReadOnlyList<string> EstUrls => _estUrls;
    public X509Certificate2 Ca { get; }
    public IReadOnlyList<(string Name, string Secret)> Devices { get; }

    public static string Locate(string? explicitPath) =>
        explicitPath is not null
            ? Path.GetFullPath(explicitPath)
            : LocateBuilt("src/EstPortal/bin/Release/net10.0/EstPortal.dll", "dotnet build -c Release src/EstPortal");

    /// <summary>A Release build output in this repository, by its path from the root.</summary>
    private static string LocateBuilt(string relativePath, string buildCommand)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EstPortal.sln")))
            dir = dir.Parent;
        var root = dir?.FullName ?? throw new InvalidOperationException("run from inside the repository or pass --app PATH/EstPortal.dll");
        var release = Path.Combine(root, relativePath);
        return File.Exists(release) ? release : throw new InvalidOperationException($"build it first: {buildCommand} ({release} missing)");
    }

    /// <param name="environment">`KEY=VALUE` variables for the app instances only (e.g. DOTNET_TieredPGO=0), not for the
    /// admin commands or the load generator.</param>
    /// <param name="dataFrom">A SQLite data directory to start from a copy of (`--data-from`), or null for an empty one.</param>
    public static async Task<AppUnderTest> StartAsync(string appDll, int deviceCount, string? postgres, int instances, IReadOnlyList<string> appSettings, bool pkcs11 = false,
        IReadOnlyList<string>? environment = null, string? dataFrom = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "estportal-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        if (dataFrom is not null)
            CopyDirectory(dataFrom, dataDirectory);
        var database = await BenchDatabase.CreateAsync(postgres, dataDirectory);
        // SQLite: the admin commands and the one instance share the data directory (the database file is in it).
        // PostgreSQL: each instance has its own (for its TLS certificate); the database and key file are shared.
        string DataDirectoryOf(string part) => postgres is null ? dataDirectory : Path.Combine(dataDirectory, part);
        string[] hsm = pkcs11 ? SoftHsmBench.Prepare(dataDirectory) : [];
        string[] settings = [$"--EstPortal:DataDirectory={DataDirectoryOf("cli")}", .. database.Settings, .. hsm];

        // Schema (PostgreSQL: the operator's `migrate` step), then devices with the app's own admin command.
        if (postgres is not null)
            await RunToEndAsync(appDll, ["migrate", .. settings]);
        var caPem = await RunToEndAsync(appDll, ["ca", "export", .. settings]);
        if (pkcs11)
        {
            // The same key type as the default CA (EC P-256), generated in the token, behind the profile label "hsm".
            await RunToEndAsync(appDll, ["ca", "create", "hsm", "--subject", "CN=Bench HSM CA", "--store", "pkcs11", .. settings]);
            await RunToEndAsync(appDll, ["profile", "add", "hsm", "--label", SoftHsmBench.Label, "--ca", "hsm", .. settings]);
        }
        var devices = new (string, string)[deviceCount];
        await Parallel.ForAsync(0, deviceCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var name = $"bench-device-{i:D4}";
            var output = await RunToEndAsync(appDll, ["device", "add", name, .. settings]);
            devices[i] = (name, output.Trim().Split('\n')[^1].Trim());
        });
        var ca = X509Certificate2.CreateFromPem(caPem);

        var server = new AppUnderTest(dataDirectory, database, ca, devices);
        try
        {
            for (var i = 0; i < instances; i++)
                await server.StartInstanceAsync(appDll, [$"--EstPortal:DataDirectory={DataDirectoryOf($"instance-{i}")}", .. database.Settings, .. appSettings, .. hsm], environment ?? []);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Instead of the app, the machine's ceiling (`--ceiling`): EstPortal.Bench.Ceiling, bare Kestrel with TLS and only
    /// the crypto an enrollment cannot do without, under a CA made here. It checks no credential, so the devices are
    /// names only (the CSRs carry them; the Basic credentials the load sends are ignored).
    /// </summary>
    public static async Task<AppUnderTest> StartCeilingAsync(int deviceCount, IReadOnlyList<string> environment)
    {
        var ceilingDll = LocateBuilt("bench/EstPortal.Bench.Ceiling/bin/Release/net10.0/EstPortal.Bench.Ceiling.dll", "dotnet build -c Release bench/EstPortal.Bench.Ceiling");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "estportal-ceiling-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Ceiling CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tlsRequest = new CertificateRequest("CN=127.0.0.1", tlsKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        tlsRequest.CertificateExtensions.Add(names.Build());
        using var tlsCertificate = tlsRequest.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var tls = tlsCertificate.CopyWithPrivateKey(tlsKey);
        var files = (Tls: Path.Combine(dataDirectory, "tls.pfx"), Certificate: Path.Combine(dataDirectory, "ca.pem"), Key: Path.Combine(dataDirectory, "ca.key"));
        await File.WriteAllBytesAsync(files.Tls, tls.Export(X509ContentType.Pfx));
        await File.WriteAllTextAsync(files.Certificate, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(files.Key, caKey.ExportPkcs8PrivateKeyPem());

        var devices = Enumerable.Range(0, deviceCount).Select(i => ($"bench-device-{i:D4}", "not-checked")).ToList();
        var server = new AppUnderTest(dataDirectory, await BenchDatabase.CreateAsync(null, dataDirectory), X509CertificateLoader.LoadCertificate(ca.RawData), devices);
        try
        {
            await server.StartInstanceAsync(ceilingDll, [$"--Ceiling:Tls={files.Tls}", $"--Ceiling:CaCertificate={files.Certificate}", $"--Ceiling:CaKey={files.Key}"], environment);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The database (with its write-ahead log), the key-encryption key and the rest, as they are.</summary>
    private static void CopyDirectory(string from, string to)
    {
        var started = Stopwatch.StartNew();
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Console.WriteLine($"data: a copy of {from} ({new FileInfo(Path.Combine(to, "estportal.db")).Length / (1024 * 1024):N0} MB database) in {started.Elapsed.TotalSeconds:F1} s");
    }

    private async Task StartInstanceAsync(string appDll, string[] settings, IReadOnlyList<string> environment)
    {
        var estPort = FreePort();
        var publicPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(appDll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[appDll, .. settings, $"--Kestrel:Endpoints:Est:Url=https://127.0.0.1:{estPort}",
                     $"--Kestrel:Endpoints:Portal:Url=https://127.0.0.1:{FreePort()}", $"--Kestrel:Endpoints:Public:Url=http://127.0.0.1:{publicPort}",
                     "--EstPortal:RateLimiting:Enabled=false", "--Logging:LogLevel:Default=Warning"])
            start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var variable in environment)
            start.Environment[variable[..variable.IndexOf('=')]] = variable[(variable.IndexOf('=') + 1)..];
        var launched = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("the app did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        var url = $"https://127.0.0.1:{estPort}";
        _estUrls.Add(url);
        _publicUrls.Add($"http://127.0.0.1:{publicPort}");

        using var client = CreateClient(url, 1, newConnectionPerRequest: false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Ready as a load balancer sees it (database and CA signers usable, start-up warm-up over); nothing
                // else is touched, so a cold run (--warmup 0) starts from a server that has served no EST request of
                // ours (its own warm-up goes to a throw-away instance of itself).
                using var response = await client.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    // Includes the start-up warm-up (EstPortal:Warmup, ADR 0028) unless the settings turn it off.
                    Console.WriteLine($"server {process.Id} ready after {launched.Elapsed.TotalSeconds:F1} s: RSS {StatusMb(process.Id, "VmRSS")} MB, " +
                        $"peak so far {StatusMb(process.Id, "VmHWM")} MB (from here on, peak RSS is the peak while serving)");
                    ResetPeakRss(process.Id);
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 120)
            {
            }
            await Task.Delay(500);
        }
    }

    /// <summary>One client per instance, the connections split between them: a round-robin load balancer.</summary>
    public IReadOnlyList<HttpClient> CreateClients(int connections, bool newConnectionPerRequest) =>
        _estUrls.Select(url => CreateClient(url, Math.Max(1, connections / _estUrls.Count), newConnectionPerRequest)).ToList();

    /// <summary>The SQLite database of a single instance (the flood mode reads its audit log); null on PostgreSQL.</summary>
    public string? SqliteDatabasePath => _database.Settings.Length == 0 ? Path.Combine(_dataDirectory, "estportal.db") : null;

    /// <summary>A keep-alive client whose connections come from <paramref name="localAddress"/> (any 127.x.y.z is this machine).</summary>
    public HttpClient CreateClientFrom(IPAddress localAddress, int connections)
    {
        return CreateClient(_estUrls[0], connections, newConnectionPerRequest: false, localAddress);
    }

    /// <summary>Plain-HTTP clients for the Public endpoint(s) (CRLs, OCSP), split the same way.</summary>
    public IReadOnlyList<HttpClient> CreatePublicClients(int connections) =>
        _publicUrls.Select(url => CreateClient(url, Math.Max(1, connections / _publicUrls.Count), newConnectionPerRequest: false)).ToList();

    /// <summary>Revokes certificates straight in the database (keyCompromise).</summary>
    public Task RevokeAsync(IReadOnlyList<string> serialHex) => _database.RevokeAsync(serialHex);

    private HttpClient CreateClient(string estUrl, int connections, bool newConnectionPerRequest, IPAddress? localAddress = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = newConnectionPerRequest ? TimeSpan.Zero : Timeout.InfiniteTimeSpan,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsToCa(certificate) },
        };
        if (localAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return new HttpClient(handler) { BaseAddress = new Uri(estUrl), Timeout = TimeSpan.FromSeconds(30), DefaultRequestVersion = HttpVersion.Version11 };
    }

    private bool ChainsToCa(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    private static long StatusMb(int pid, string field) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    // Linux: writing 5 to clear_refs resets VmHWM to the current RSS (proc(5)), so the start-up warm-up's transient
    // peak is reported above and not mistaken for the peak under load.
    private static void ResetPeakRss(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine($"(could not reset the server's peak RSS: {e.Message}; peak RSS below includes start-up)");
        }
    }

    /// <summary>
    /// Starts a measured phase: the peak resident memory reported from here on is this phase's (the kernel's high-water
    /// mark, reset), so a transient of an earlier phase — the first load after start-up, the bench's own warm-up — is
    /// not reported as the steady state's. The peak since ready stays in <see cref="PeakSinceReadyMb"/>.
    /// </summary>
    public ServerSample BeginPhase()
    {
        _peakSinceReadyMb = PeakSinceReadyMb;
        foreach (var process in _processes)
            ResetPeakRss(process.Id);
        return Sample();
    }

    /// <summary>The largest instance's peak resident memory since it said ready, every phase and warm-up included.</summary>
    public double PeakSinceReadyMb => Math.Max(_peakSinceReadyMb, Sample().PeakRssMb);

    /// <summary>
    /// CPU seconds used so far by all instances together, and the largest instance's peak resident memory since ready
    /// or the last <see cref="BeginPhase"/>, from /proc (Linux). PostgreSQL's own CPU is not included (it runs as other
    /// processes).
    /// </summary>
    public ServerSample Sample()
    {
        double cpu = 0, peakMb = 0;
        foreach (var pid in _processes.Select(p => p.Id))
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            const double ticksPerSecond = 100; // USER_HZ on Linux
            cpu += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ticksPerSecond;
            var hwm = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            peakMb = Math.Max(peakMb, double.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024);
        }
        using var self = Process.GetCurrentProcess();
        return new ServerSample(cpu, peakMb, DateTime.UtcNow, self.TotalProcessorTime.TotalSeconds);
    }

    /// <summary>Resident memory of the first instance now (VmRSS in /proc, Linux).</summary>
    public long ResidentBytes()
    {
        var rss = File.ReadAllLines($"/proc/{_processes[0].Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> RunToEndAsync(string appDll, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(appDll) };
        start.ArgumentList.Add(appDll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"EstPortal {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768–60999): a port the kernel hands out for outgoing connections
    /// could be taken by one of the bench's own client sockets before the server binds it ("address already in use").
    /// </summary>
    private static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
            }
        }
    }
}
