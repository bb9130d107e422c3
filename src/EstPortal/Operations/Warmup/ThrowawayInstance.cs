using EstPortal.Admin;
using EstPortal.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// A second instance of this app inside the same process, on its own temporary data directory (SQLite, its own key-
/// encryption key and CA) and loopback ports, built from settings of its own only: nothing of the real configuration
/// (database, HSM, webhooks, key paths) reaches it, and nothing it does reaches the real database or the real metrics
/// (<see cref="ThrowawayMeterFactory"/>). Requests to it run the same compiled code as requests to the real instance,
/// which is the point (ADR 0028). Disposing it stops it and deletes its directory.
/// </summary>
internal sealed class ThrowawayInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ThrowawayInstance(WebApplication app, string directory, Uri estUrl, Uri publicUrl)
    {
        _app = app;
        Directory = directory;
        EstUrl = estUrl;
        PublicUrl = publicUrl;
    }

    public string Directory { get; }
    public Uri EstUrl { get; }
    public Uri PublicUrl { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<ThrowawayInstance> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "estportal-warmup-" + Guid.NewGuid().ToString("N")[..12]);
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(ThrowawayInstance).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
                EnvironmentName = Environments.Production,
            });
            // Only these settings: not the real instance's appsettings.json, environment or command line.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(Settings(directory));
            builder.AddEstPortal();
            builder.Services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory, ThrowawayMeterFactory>();
            // Its own start-up lines (first-run setup code, key-encryption key warning) are about a directory that is
            // about to be deleted: not for the operator.
            builder.Logging.ClearProviders();
            app = builder.Build();
            app.UseEstPortal();
            await app.StartAsync(cancellationToken);

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var est = addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal));
            var @public = addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal));
            return new ThrowawayInstance(app, directory, new Uri(est), new Uri(@public));
        }
        catch
        {
            if (app is not null)
                await app.DisposeAsync();
            DeleteDirectory(directory);
            throw;
        }
    }

    private static Dictionary<string, string?> Settings(string directory) => new()
    {
        [$"{EstPortalOptions.Section}:DataDirectory"] = directory,
        // Only the EST endpoint and the public one (OCSP); port 0: the system picks free ports.
        ["Kestrel:Endpoints:Est:Url"] = "https://127.0.0.1:0",
        ["Kestrel:Endpoints:Public:Url"] = "http://127.0.0.1:0",
        // The limiters still run (their code is on the hot path), but never refuse the warm-up's one device.
        [$"{EstPortalOptions.Section}:RateLimiting:PerClientIpPerMinute"] = "100000000",
        [$"{EstPortalOptions.Section}:RateLimiting:PerCredentialPerMinute"] = "100000000",
        [$"{EstPortalOptions.Section}:RateLimiting:OcspPerClientIpPerMinute"] = "100000000",
        [$"{WarmupOptions.Section}:Seconds"] = "0",
    };

    /// <summary>A device with a credential, as an operator would add it.</summary>
    public async Task<NewDevice> AddDeviceAsync(string name, CancellationToken cancellationToken)
    {
        var result = await Services.GetRequiredService<DeviceAdmin>().AddAsync(name, null, "warm-up", cancellationToken);
        return result.Value ?? throw new InvalidOperationException($"the warm-up instance refused its device: {result.Error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            // Its pooled SQLite connections hold the database file open.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DeleteDirectory(Directory);
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
                System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temporary directory; it holds nothing of the real instance.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
