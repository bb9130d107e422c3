using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Net.Sockets;
using System.Text;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Operations;

/// <summary>
/// The built app as its own server process on 127.0.0.1, with its console output captured: what an operator's log
/// collector reads. Killed and its data directory removed on dispose.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly string _dataDirectory;

    private AppProcess(Process process, string dataDirectory, int portalPort, int estPort, int publicPort)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        PortalUrl = $"https://127.0.0.1:{portalPort}";
        EstUrl = $"https://127.0.0.1:{estPort}";
        PublicUrl = $"http://127.0.0.1:{publicPort}";
    }

    public string PortalUrl { get; }
    public string EstUrl { get; }
    public string PublicUrl { get; }
    public string DatabasePath => Path.Combine(_dataDirectory, "estportal.db");

    public string Stdout
    {
        get
        {
            lock (_stdout)
                return _stdout.ToString();
        }
    }

    public static Task<AppProcess> StartAsync(params string[] settings) => StartAsync(new Dictionary<string, string?>(), settings);

    /// <param name="environment">Variables set (or, with a null value, removed) for the process only, e.g. TMPDIR.</param>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, params string[] settings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "estportal-proc-" + Guid.NewGuid().ToString("N")[..12]);
        var (portalPort, estPort, publicPort) = (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        var start = new ProcessStartInfo(EstPortalCli.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(EstPortalCli.AppPath),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[EstPortalCli.AppPath, $"--EstPortal:DataDirectory={dataDirectory}",
                     $"--Kestrel:Endpoints:Portal:Url=https://127.0.0.1:{portalPort}", $"--Kestrel:Endpoints:Est:Url=https://127.0.0.1:{estPort}",
                     $"--Kestrel:Endpoints:Public:Url=http://127.0.0.1:{publicPort}",
                     // Tests start many servers; the warm-up (ADR 0028) has tests of its own, which turn it on here.
                     "--EstPortal:Warmup:Seconds=0", .. settings])
            start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("EstPortal__DataDirectory");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        var app = new AppProcess(new Process { StartInfo = start }, dataDirectory, portalPort, estPort, publicPort);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilAliveAsync();
        }
        catch
        {
            // A process that did not come up must not outlive the test.
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>The process's default CA (the root of its /cacerts), which its TLS certificate chains to.</summary>
    public X509Certificate2 CaCertificate { get; private set; } = null!;

    /// <summary>An HTTPS client that trusts only this process's CA, optionally presenting a client certificate (EST re-enrollment).</summary>
    public HttpClient CreateClient(string baseUrl, X509Certificate2? clientCertificate = null) => new(new SocketsHttpHandler
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsToCa(new X509Certificate2(certificate)),
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
        },
    })
    { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Waits (up to 15 s) until the console output contains <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(Func<string, bool> found)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (found(Stdout))
                return true;
            await Task.Delay(100);
        }
        return found(Stdout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_stdout)
            _stdout.AppendLine(line);
    }

    /// <summary>Kestrel logs "Now listening" once the first-start work (schema, CA, TLS certificate) is done.</summary>
    private async Task WaitUntilAliveAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !_process.HasExited && !Stdout.Contains("Now listening", StringComparison.Ordinal))
            await Task.Delay(100);
        if (!Stdout.Contains("Now listening", StringComparison.Ordinal))
            throw new InvalidOperationException($"the app did not come up:\n{Stdout}");

        // The CA as a device learns it (RFC 7030 §4.1): /cacerts, then the TLS certificate must chain to its root.
        X509Certificate2? presented = null;
        using (var bootstrap = new HttpClient(new SocketsHttpHandler
               {
                   SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => (presented = certificate is null ? null : new X509Certificate2(certificate)) is not null },
               }))
        {
            var body = await bootstrap.GetStringAsync(EstUrl + "/.well-known/est/cacerts");
            CaCertificate = Support.EstResponses.ReadCertsOnly(body).Single(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData));
        }
        if (presented is null || !ChainsToCa(presented))
            throw new InvalidOperationException("the EST endpoint's TLS certificate does not chain to the root in its /cacerts");

        using var client = CreateClient(PortalUrl);
        using var alive = await client.GetAsync("/healthz");
        alive.EnsureSuccessStatusCode();
    }

    public bool ChainsToCa(X509Certificate2 certificate) => Loopback.ChainsTo(CaCertificate, certificate);

}
