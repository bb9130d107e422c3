using Npgsql;

namespace EstPortal.Enrollment;

/// <summary>
/// Where <see cref="ConfigurationVersion"/> comes from on PostgreSQL (SQLite has a table that triggers advance instead):
/// one connection per instance LISTENs on <c>estportal_configuration</c>, which a trigger notifies on every committed
/// change to profiles or CAs (migration ConfigurationChangeNotifications). Each notification, and each (re)connection,
/// advances the version. While not listening the version is null, so nothing is cached: a dropped connection costs speed, never
/// freshness. A notification arrives a moment after the commit (milliseconds), so another instance's change reaches
/// this one's next request after that moment, not before.
/// </summary>
public sealed class PostgresConfigurationListener(
    Hosting.DatabaseConnection database, ILogger<PostgresConfigurationListener> logger) : BackgroundService
{
    public const string Channel = "estportal_configuration";

    private long _version;
    private volatile bool _listening;

    public long? Version => _listening ? Interlocked.Read(ref _version) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Its own connection outside the pool: it stays open, waiting, for the life of the app.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 30 }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => Interlocked.Increment(ref _version);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Whatever was cached before this connection may have missed notifications.
                Interlocked.Increment(ref _version);
                _listening = true;
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                _listening = false;
                logger.LogWarning(ex, "Listening for configuration changes on PostgreSQL failed; EST reads profiles on every request until it reconnects");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                _listening = false;
            }
        }
    }
}
