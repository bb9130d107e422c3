using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// The contexts <see cref="IssuanceRecorder"/> commits its groups with (ADR 0009). On SQLite, which admits one writer at
/// a time anyway, they all use one connection kept open for the life of the process. SQLite discards a connection's page
/// cache whenever another connection has committed since it last read, so on pooled connections (whose last commit was
/// usually made on another one) each group began by re-reading, page by page, the indexes it was about to insert into;
/// on its own connection the writer finds them cached (bench/est-load-profile.md). That connection also keeps
/// statement journals in memory rather than in temporary files, and commits without syncing: <see cref="WhenDurableAsync"/>
/// syncs the log on another thread before any request of the group is answered (ADR 0011), and checkpoints are left to
/// <see cref="WalCheckpointer"/>. On PostgreSQL the contexts come from the pool and a commit is durable when it returns.
/// Only one context from here may be in use at a time: the recorder has at most one writer.
/// </summary>
public sealed class IssuanceWriterContexts : IDisposable
{
    // 32 MiB of page cache: the inner pages of every index the writer inserts into, for a large fleet.
    private const int CacheKibibytes = 32 * 1024;

    // A backstop only: WalCheckpointer keeps the log far shorter. Checkpointing here would stall the writer.
    private const int AutoCheckpointPages = 10_000;

    private readonly IDbContextFactory<EstPortalDbContext> _pooled;
    private readonly SqliteConnection? _connection;
    private readonly DbContextOptions<SqliteEstPortalDbContext>? _options;
    private readonly WalFlusher? _flusher;
    private string? _walPath;

    /// <param name="syncToDisk">Syncs the log file at the given path (tests wrap it); defaults to fsync.</param>
    public IssuanceWriterContexts(IDbContextFactory<EstPortalDbContext> pooled, DatabaseConnection database, AuditChainInterceptor auditChain,
        Action<string>? syncToDisk = null)
    {
        _pooled = pooled;
        if (database.Provider != Data.DatabaseProvider.Sqlite)
            return;
        _connection = new SqliteConnection(database.ConnectionString);
        _options = new DbContextOptionsBuilder<SqliteEstPortalDbContext>()
            .UseSqlite(_connection)
            .AddInterceptors(auditChain)
            .Options;
        var sync = syncToDisk ?? SyncToDisk;
        _flusher = new WalFlusher(() => sync(_walPath ?? throw new InvalidOperationException("nothing was committed yet")));
    }

    /// <summary>Completes once every group committed so far is on disk (at once on PostgreSQL: its commit is).</summary>
    public Task WhenDurableAsync() => _flusher?.WhenDurableAsync() ?? Task.CompletedTask;

    public async Task<EstPortalDbContext> CreateAsync()
    {
        if (_connection is null)
            return await _pooled.CreateDbContextAsync(CancellationToken.None);
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            await _connection.OpenAsync();
            await using var pragmas = _connection.CreateCommand();
            pragmas.CommandText = $"PRAGMA cache_size = -{CacheKibibytes}; PRAGMA temp_store = MEMORY; " +
                $"PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = {AutoCheckpointPages};";
            await pragmas.ExecuteNonQueryAsync();
            // The write-ahead log sits next to the database file (the connection reports the full path).
            _walPath = _connection.DataSource + "-wal";
        }
        return new SqliteEstPortalDbContext(_options!);
    }

    public void Dispose()
    {
        _flusher?.Dispose();
        _connection?.Dispose();
    }

    /// <summary>
    /// fsync of the log through a descriptor of our own: it writes every page of the file to disk, whoever wrote it.
    /// SQLite holds no POSIX locks on the log (WAL locks live in the -shm file), so closing this descriptor cannot drop
    /// one of its locks. The file exists for as long as the writer's connection is open.
    /// </summary>
    internal static void SyncToDisk(string path)
    {
        using var log = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        log.Flush(flushToDisk: true);
    }
}
