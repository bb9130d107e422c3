using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Support;

/// <summary>
/// The real app on real Kestrel with TLS on 127.0.0.1 (two endpoints, as configured in production), over a real
/// SQLite file in a fresh temporary data directory, or a fresh PostgreSQL database of its own. One per test class
/// (IClassFixture) or per test.
/// </summary>
public sealed class EstPortalHost : IAsyncLifetime, IDisposable, IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly Dictionary<string, string?> _extraSettings;

    private readonly DatabaseProvider _provider;
    private PostgresTestDatabase? _postgres;

    public EstPortalHost() : this(null, null, null, DatabaseProvider.Sqlite, null) { }

    // Not public: an xunit class fixture must have exactly one public constructor. Use Create(...).
    private EstPortalHost(string? dataDirectory, Dictionary<string, string?>? extraSettings, Microsoft.Extensions.Logging.ILoggerProvider? logs,
        DatabaseProvider provider, Action<IServiceCollection>? services)
    {
        _extraSettings = extraSettings ?? [];
        _provider = provider;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "estportal-test-" + Guid.NewGuid().ToString("N")[..12]);
        PortalPort = Loopback.FreePort();
        EstPort = Loopback.FreePort();
        PublicPort = Loopback.FreePort();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("EstPortal:DataDirectory", DataDirectory);
            web.UseSetting("Kestrel:Endpoints:Portal:Url", PortalUrl);
            web.UseSetting("Kestrel:Endpoints:Est:Url", EstUrl);
            web.UseSetting("Kestrel:Endpoints:Public:Url", PublicUrl);
            // Tests send bursts from one address; rate limiting is tested with its own settings.
            web.UseSetting("EstPortal:RateLimiting:Enabled", "false");
            // Every test class starts a host; the start-up warm-up (ADR 0028) has tests of its own (StartupWarmupTests).
            web.UseSetting("EstPortal:Warmup:Seconds", "0");
            if (_provider == DatabaseProvider.Postgres)
            {
                web.UseSetting("Database:Provider", "Postgres");
                // Created in InitializeAsync, before the app starts and reads it.
                web.UseSetting("ConnectionStrings:EstPortal", _postgres?.ConnectionString);
                web.UseSetting("Database:MigrateAtStartup", "true");
            }
            foreach (var (key, value) in _extraSettings)
                web.UseSetting(key, value);
            if (logs is not null)
                web.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace));
            if (services is not null)
                web.ConfigureTestServices(services);
        });
    }

    /// <summary>
    /// A host on a given data directory (e.g. one an admin command prepared) and/or with extra settings; <paramref name="services"/>
    /// replaces registrations (a seam around the real thing, e.g. to hold back a disk sync).
    /// </summary>
    public static EstPortalHost Create(string? dataDirectory = null, Dictionary<string, string?>? extraSettings = null,
        Microsoft.Extensions.Logging.ILoggerProvider? logs = null, DatabaseProvider provider = DatabaseProvider.Sqlite,
        Action<IServiceCollection>? services = null) =>
        new(dataDirectory, extraSettings, logs, provider, services);

    /// <summary>A host on the given provider, started (for provider theories: <c>await using var host = await EstPortalHost.StartAsync(provider)</c>).</summary>
    public static async Task<EstPortalHost> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? extraSettings = null)
    {
        var host = Create(extraSettings: extraSettings, provider: provider);
        try
        {
            await host.InitializeAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public DatabaseProvider Provider => _provider;

    /// <summary>The PostgreSQL database's connection string (Postgres hosts only).</summary>
    public string PostgresConnectionString => _postgres?.ConnectionString ?? throw new InvalidOperationException("not a PostgreSQL host");

    public string DataDirectory { get; }

    /// <summary>Leave the data directory behind on dispose, e.g. to start a second app on it.</summary>
    public bool KeepDataDirectory { get; set; }
    public int PortalPort { get; }
    public int EstPort { get; }
    public string PortalUrl => $"https://127.0.0.1:{PortalPort}";
    public string EstUrl => $"https://127.0.0.1:{EstPort}";
    /// <summary>The plain-HTTP endpoint relying parties fetch CRLs, CA certificates and OCSP from.</summary>
    public int PublicPort { get; }
    public string PublicUrl => $"http://127.0.0.1:{PublicPort}";
    public string DatabasePath => Path.Combine(DataDirectory, "estportal.db");
    public IServiceProvider Services => _factory.Services;
    public X509Certificate2 CaCertificate { get; private set; } = null!;

    /// <summary>
    /// Starts an app that must refuse <paramref name="settings"/> and hands back why. The test host's start runs beside
    /// the app's entry point; seldom, on a loaded machine, the refusal surfaces as an ObjectDisposedException of that
    /// teardown instead of the app's own exception (seen in full CI runs, never in the app run on its own). Such an
    /// answer says nothing about the app, so a fresh host tries again, at most three times.
    /// </summary>
    public static async Task<Exception> StartupFailureAsync(Dictionary<string, string?> settings)
    {
        Exception? failure = null;
        for (var attempt = 0; attempt < 3 && failure is null or ObjectDisposedException; attempt++)
        {
            using var host = Create(extraSettings: settings);
            failure = await Xunit.Record.ExceptionAsync(host.InitializeAsync)
                ?? throw new InvalidOperationException("the app started, but it must refuse these settings");
        }
        return failure!;
    }

    public async Task InitializeAsync()
    {
        if (_provider == DatabaseProvider.Postgres)
            _postgres = await TestPostgres.CreateDatabaseAsync();
        _factory.UseKestrel();
        _factory.StartServer();
        var ca = await Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync()
            ?? throw new InvalidOperationException("the app started without a default CA");
        CaCertificate = X509CertificateLoader.LoadCertificate(ca.CertificateDer);
    }

    /// <summary>
    /// An HTTPS client that trusts only our CA (as a device that fetched /cacerts would), optionally presenting a client
    /// certificate, optionally from another loopback address (e.g. 127.0.0.2: every 127.x.y.z is this machine).
    /// </summary>
    public HttpClient CreateClient(string baseUrl, X509Certificate2? clientCertificate = null, IPAddress? localAddress = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = localAddress is null ? null : (context, cancellationToken) => Loopback.ConnectFromAsync(localAddress, context.DnsEndPoint, cancellationToken),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsToCa(new X509Certificate2(certificate)),
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient CreateEstClient(X509Certificate2? clientCertificate = null, IPAddress? localAddress = null) =>
        CreateClient(EstUrl, clientCertificate, localAddress);

    public bool ChainsToCa(X509Certificate2 certificate) => Loopback.ChainsTo(CaCertificate, certificate);

    /// <summary>
    /// A statement that goes around the app, straight into its database (SQLite file or PostgreSQL), as someone with
    /// database access would. Identifiers in double quotes work on both.
    /// </summary>
    public async Task<int> ExecuteOutsideAppAsync(string sql)
    {
        await using System.Data.Common.DbConnection connection = _provider == DatabaseProvider.Postgres
            ? new Npgsql.NpgsqlConnection(PostgresConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>A device, with the subjectAltName patterns it may ask for (none: no subjectAltName).</summary>
    public async Task<NewDevice> AddDeviceAsync(string name, params string[] subjectAltNamePatterns)
    {
        var result = await Services.GetRequiredService<DeviceAdmin>().AddAsync(name, null, subjectAltNamePatterns, "test");
        return result.Value ?? throw new InvalidOperationException(result.Error);
    }

    public async Task<NewBootstrapToken> IssueTokenAsync(string? deviceName = null, TimeSpan? lifetime = null)
    {
        var result = await Services.GetRequiredService<BootstrapTokenAdmin>()
            .IssueAsync(lifetime ?? TimeSpan.FromHours(1), deviceName, null, "test");
        return result.Value ?? throw new InvalidOperationException(result.Error);
    }

    public async Task<ProfileSummary> AddProfileAsync(string name, string? label, EstPortal.Policy.CsrPolicy? policy = null,
        bool requiresApproval = false, bool wrapBase64Lines = false)
    {
        var result = await Services.GetRequiredService<ProfileAdmin>()
            .AddAsync(name, label, null, policy ?? EstPortal.Policy.CsrPolicy.Default, requiresApproval, wrapBase64Lines, "test");
        return result.Value ?? throw new InvalidOperationException(result.Error);
    }

    public async Task<NewOperator> AddOperatorAsync(string email, string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OperatorAdmin>().AddAsync(email, role, null, "test");
        return result.Value ?? throw new InvalidOperationException(result.Error);
    }

    public async Task DisposeAsync()
    {
        Dispose();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        _postgres = null;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public void Dispose()
    {
        _factory.Dispose();
        if (KeepDataDirectory)
            return;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing connection; the OS temp cleaner will take it.
        }
    }

}
