using EstPortal.Data;
using Npgsql;

namespace EstPortal.Hosting;

/// <summary>
/// The value of a one-row version table that triggers advance (migration RevocationVersion), read on PostgreSQL with
/// one small query per call from a pool of its own: every instance sees every other instance's commit on its next
/// read, with no window in which a notification is still on its way. Cheaper than what it guards (a status lookup
/// and a signature), though not free like the SQLite read (<see cref="SqliteVersionRow"/>).
/// </summary>
internal sealed class PostgresVersionRow : IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _read;

    /// <summary>The row of <paramref name="table"/> on PostgreSQL; null on any other database.</summary>
    public static PostgresVersionRow? For(DatabaseConnection database, string table) =>
        database.Provider == DatabaseProvider.Postgres ? new PostgresVersionRow(database.ConnectionString, table) : null;

    private PostgresVersionRow(string connectionString, string table)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _read = $"SELECT \"Value\" FROM \"{table}\" WHERE \"Id\" = 1";
    }

    /// <summary>The current value, or null when there is none to trust (then callers must not cache).</summary>
    public long? Read()
    {
        try
        {
            using var command = _dataSource.CreateCommand(_read);
            return command.ExecuteScalar() is long value ? value : null;
        }
        catch (NpgsqlException)
        {
            // The table is not there yet (singletons are built before start-up migrates) or the database is out of
            // reach: nothing is kept, never a stale answer.
            return null;
        }
    }

    public void Dispose() => _dataSource.Dispose();
}
