using EstPortal.Data;
using Microsoft.Data.Sqlite;

namespace EstPortal.Hosting;

/// <summary>
/// The value of a one-row version table that triggers advance (migrations ConfigurationVersion, CredentialVersion),
/// read with a prepared statement on a connection of its own that never writes: a few microseconds, where a query
/// through EF costs tens. A commit by anyone — this process, the admin command, another process — shows in the next read.
/// </summary>
internal sealed class SqliteVersionRow : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _table;
    private readonly Lock _gate = new();
    private SqliteCommand? _read;

    /// <summary>The row of <paramref name="table"/> on SQLite; null on any other database.</summary>
    public static SqliteVersionRow? For(DatabaseConnection database, string table) =>
        database.Provider == DatabaseProvider.Sqlite ? new SqliteVersionRow(database.ConnectionString, table) : null;

    private SqliteVersionRow(string connectionString, string table)
    {
        _table = table;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
    }

    /// <summary>The current value, or null when there is none to trust (then callers must not cache).</summary>
    public long? Read()
    {
        lock (_gate)
        {
            try
            {
                _read ??= Prepare();
                // No row (someone deleted it) gives null: nothing is cached, never stale data.
                return _read.ExecuteScalar() is long value ? value : null;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_ERROR)
            {
                // "no such table": the app's singletons are built before start-up migrates a fresh database. Prepared
                // again on the next call; until then nothing is cached.
                _read?.Dispose();
                _read = null;
                return null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _read?.Dispose();
            _connection.Dispose();
        }
    }

    private SqliteCommand Prepare()
    {
        var read = _connection.CreateCommand();
        read.CommandText = $"""SELECT "Value" FROM "{_table}" WHERE "Id" = 1""";
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
}
