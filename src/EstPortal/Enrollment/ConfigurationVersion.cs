using EstPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// A value that changes whenever profiles or CAs change, so that what EST keeps in memory (the profile a label selects)
/// can be reused until then without reading it again. On SQLite it is the one row of the ConfigurationVersion table,
/// which triggers on EnrollmentProfiles and CertificateAuthorities advance (migration ConfigurationVersion), read on a
/// connection of our own that never writes. A commit that changes a profile or CA advances it whoever makes it (this
/// process, the admin command, another instance, hand-written SQL); no other commit does. That matters because
/// enrollments commit (certificate, audit) on nearly every request: <c>PRAGMA data_version</c>, used before, changes on
/// any commit and so dropped the cache that often.
/// Reading the row costs a few microseconds, where a query through EF costs tens. On PostgreSQL the value comes from
/// <see cref="PostgresConfigurationListener"/> (LISTEN/NOTIFY on profile and CA changes). Where neither is available
/// <see cref="Current"/> returns null: callers then read from the database every time.
/// </summary>
public sealed class ConfigurationVersion : IDisposable
{
    private readonly SqliteConnection? _connection;
    private readonly Lock _gate = new();
    private SqliteCommand? _read;
    private readonly PostgresConfigurationListener? _postgres;

    /// <param name="postgres">Registered only on PostgreSQL (DatabaseRegistration).</param>
    public ConfigurationVersion(IDbContextFactory<EstPortalDbContext> contexts, PostgresConfigurationListener? postgres = null)
    {
        _postgres = postgres;
        using var db = contexts.CreateDbContext();
        if (!db.Database.IsSqlite())
            return;
        _connection = new SqliteConnection(db.Database.GetConnectionString());
        _connection.Open();
    }

    /// <summary>
    /// A value that changes whenever a profile or CA is inserted, updated or deleted; null when this database offers no
    /// such value (yet). Read it <em>before</em> reading the data it is to guard: a commit in between then makes the next
    /// value differ.
    /// </summary>
    public long? Current()
    {
        if (_connection is null)
            return _postgres?.Version;
        lock (_gate)
        {
            try
            {
                _read ??= Prepare(_connection);
                // No row (someone deleted it) gives null: nothing is cached, never a stale profile.
                return _read.ExecuteScalar() is long value ? value : null;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_ERROR)
            {
                // "no such table": this singleton is built before start-up migrates a fresh database. Prepared again on
                // the next call; until then nothing is cached.
                _read?.Dispose();
                _read = null;
                return null;
            }
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection)
    {
        var read = connection.CreateCommand();
        read.CommandText = """SELECT "Value" FROM "ConfigurationVersion" WHERE "Id" = 1""";
        try
        {
            read.Prepare();
            return read;
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _read?.Dispose();
            _connection?.Dispose();
        }
    }
}
