using EstPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// Tells whether anything at all was committed to the database since a value was read, so that what EST keeps in
/// memory (the profile a label selects) can be reused until then without reading it again. On SQLite this is
/// <c>PRAGMA data_version</c> on a connection of our own that never writes: its value changes whenever any other
/// connection — this process's, the admin command's, another instance's — commits. Reading it costs a few
/// microseconds, where a query through EF costs tens. On PostgreSQL the value comes from
/// <see cref="PostgresConfigurationListener"/> (LISTEN/NOTIFY on profile and CA changes). Where neither is available
/// <see cref="Current"/> returns null: callers then read from the database every time.
/// </summary>
public sealed class DatabaseChangeCounter : IDisposable
{
    private readonly SqliteConnection? _connection;
    private readonly SqliteCommand? _dataVersion;
    private readonly Lock _gate = new();
    private readonly PostgresConfigurationListener? _postgres;

    /// <param name="postgres">Registered only on PostgreSQL (DatabaseRegistration).</param>
    public DatabaseChangeCounter(IDbContextFactory<EstPortalDbContext> contexts, PostgresConfigurationListener? postgres = null)
    {
        _postgres = postgres;
        using var db = contexts.CreateDbContext();
        if (!db.Database.IsSqlite())
            return;
        _connection = new SqliteConnection(db.Database.GetConnectionString());
        _connection.Open();
        _dataVersion = _connection.CreateCommand();
        _dataVersion.CommandText = "PRAGMA data_version";
        _dataVersion.Prepare();
    }

    /// <summary>
    /// A value that changes whenever another connection commits; null when this database offers no such value.
    /// Read it <em>before</em> reading the data it is to guard: a commit in between then makes the next value differ.
    /// </summary>
    public long? Current()
    {
        if (_dataVersion is null)
            return _postgres?.Version;
        lock (_gate)
            return (long)_dataVersion.ExecuteScalar()!;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _dataVersion?.Dispose();
            _connection?.Dispose();
        }
    }
}
