using EstPortal.Hosting;
using Microsoft.Data.Sqlite;

namespace EstPortal.Enrollment;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file every second, on a connection and thread of its own
/// (a PASSIVE checkpoint: it never blocks the writer or readers). Left to SQLite, the connection whose commit grows the
/// log past its limit checkpoints inside that commit — the issuance writer, on every few groups, with everyone in them
/// waiting (ADR 0011). SQLite only; registered by DatabaseRegistration.
/// </summary>
internal sealed class WalCheckpointer(DatabaseConnection database, ILogger<WalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        // Real time, not TimeProvider: upkeep of a file, which must go on under a test's frozen clock too.
        using var timer = new PeriodicTimer(Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
                if (connection.State != System.Data.ConnectionState.Open)
                    await connection.OpenAsync(stoppingToken);
                await checkpoint.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException ex)
            {
                // Busy or a missing table during start-up: the next round tries again; SQLite's own checkpoint remains.
                logger.LogDebug(ex, "WAL checkpoint skipped");
            }
        }
    }
}
