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
/// statement journals in memory rather than in temporary files. On PostgreSQL the contexts come from the pool.
/// Only one context from here may be in use at a time: the recorder has at most one writer.
/// </summary>
public sealed class IssuanceWriterContexts : IDisposable
{
    // 32 MiB of page cache: the inner pages of every index the writer inserts into, for a large fleet.
    private const int CacheKibibytes = 32 * 1024;

    private readonly IDbContextFactory<EstPortalDbContext> _pooled;
    private readonly SqliteConnection? _connection;
    private readonly DbContextOptions<SqliteEstPortalDbContext>? _options;

    public IssuanceWriterContexts(IDbContextFactory<EstPortalDbContext> pooled, DatabaseConnection database, AuditChainInterceptor auditChain)
    {
        _pooled = pooled;
        if (database.Provider != Data.DatabaseProvider.Sqlite)
            return;
        _connection = new SqliteConnection(database.ConnectionString);
        _options = new DbContextOptionsBuilder<SqliteEstPortalDbContext>()
            .UseSqlite(_connection)
            .AddInterceptors(auditChain)
            .Options;
    }

    public async Task<EstPortalDbContext> CreateAsync()
    {
        if (_connection is null)
            return await _pooled.CreateDbContextAsync(CancellationToken.None);
        if (_connection.State != System.Data.ConnectionState.Open)
            await OpenAsync(_connection);
        return new SqliteEstPortalDbContext(_options!);
    }

    public void Dispose() => _connection?.Dispose();

    private static async Task OpenAsync(SqliteConnection connection)
    {
        await connection.OpenAsync();
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA cache_size = -{CacheKibibytes}; PRAGMA temp_store = MEMORY;";
        await pragmas.ExecuteNonQueryAsync();
    }
}
