using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Net.Sockets;
using System.Text;
using EstPortal.Tests.Hosting;
using Microsoft.Data.Sqlite;

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

    private AppProcess(Process process, string dataDirectory, int portalPort, int estPort)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        PortalUrl = $"https://127.0.0.1:{portalPort}";
        EstUrl = $"https://127.0.0.1:{estPort}";
    }

    public string PortalUrl { get; }
    public string EstUrl { get; }

    public string Stdout
    {
        get
        {
            lock (_stdout)
                return _stdout.ToString();
        }
    }

    public static async Task<AppProcess> StartAsync(params string[] settings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "estportal-proc-" + Guid.NewGuid().ToString("N")[..12]);
        var (portalPort, estPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo(EstPortalCli.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(EstPortalCli.AppPath),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[EstPortalCli.AppPath, $"--EstPortal:DataDirectory={dataDirectory}",
                     $"--Kestrel:Endpoints:Portal:Url=https://127.0.0.1:{portalPort}", $"--Kestrel:Endpoints:Est:Url=https://127.0.0.1:{estPort}", .. settings])
            start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("EstPortal__DataDirectory");

        var app = new AppProcess(new Process { StartInfo = start }, dataDirectory, portalPort, estPort);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitUntilAliveAsync();
        return app;
    }

    /// <summary>The CA the process generated on its first start, read from its database.</summary>
    public X509Certificate2 CaCertificate { get; private set; } = null!;

    /// <summary>An HTTPS client that trusts only this process's CA.</summary>
    public HttpClient CreateClient(string baseUrl) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsToCa(new X509Certificate2(certificate)) },
    })
    { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

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

        await using var db = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "estportal.db")};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT CertificateDer FROM CertificateAuthorities WHERE IsDefault = 1";
        CaCertificate = X509CertificateLoader.LoadCertificate((byte[])(await query.ExecuteScalarAsync() ?? throw new InvalidOperationException("no default CA")));

        using var client = CreateClient(PortalUrl);
        using var alive = await client.GetAsync("/healthz");
        alive.EnsureSuccessStatusCode();
    }

    private bool ChainsToCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
