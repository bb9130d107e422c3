using Microsoft.Data.Sqlite;

namespace EstPortal.Hosting.Backup;

/// <summary>What a backup file holds, read without changing it.</summary>
public sealed record BackupContents(
    IReadOnlyList<string> Migrations,
    IReadOnlyList<string?> KeyRing,
    IReadOnlyList<(string Name, string KeyStore)> CertificateAuthorities,
    long Certificates,
    long AuditEvents);

/// <summary>
/// A backup is one self-contained SQLite database file (ADR 0019): made with SQLite's online backup API from a live
/// database, switched out of WAL so no side files belong to it, and checked with <c>PRAGMA integrity_check</c>.
/// </summary>
public static class SqliteBackupFile
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// Copies the database at <paramref name="databasePath"/> into <paramref name="destination"/> while other
    /// connections keep writing. sqlite3_backup_step(-1) copies every page under one read transaction, so the copy
    /// is the database as of one commit; under WAL, writers are not blocked meanwhile (https://sqlite.org/backup.html).
    /// </summary>
    public static async Task<BackupContents> CreateAsync(string databasePath, string destination, CancellationToken cancellationToken)
    {
        var partial = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(destination))!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var source = Open(databasePath, SqliteOpenMode.ReadWrite))
            await using (var target = Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
                await source.OpenAsync(cancellationToken);
                await target.OpenAsync(cancellationToken);
                await CopyAsync(source, target, cancellationToken);
                // The copy carries the source's WAL flag; a backup is handed around as one file.
                await ScalarAsync(target, "PRAGMA journal_mode=DELETE", cancellationToken);
                var integrity = await ScalarAsync(target, "PRAGMA integrity_check", cancellationToken);
                if (integrity != "ok")
                    throw new InvalidDataException($"the copy failed SQLite's integrity check: {integrity}");
            }
            var contents = await ReadAsync(partial, cancellationToken);
            File.Move(partial, destination, overwrite: false);
            return contents;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Reads a backup's schema version, key ring and counts; throws <see cref="InvalidDataException"/> when it is no EstPortal database.</summary>
    public static async Task<BackupContents> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new InvalidDataException("the file does not exist");
        try
        {
            await using var connection = Open(path, SqliteOpenMode.ReadOnly);
            await connection.OpenAsync(cancellationToken);
            var integrity = await ScalarAsync(connection, "PRAGMA integrity_check", cancellationToken);
            if (integrity != "ok")
                throw new InvalidDataException($"SQLite's integrity check failed: {integrity}");
            var migrations = await ListAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId", r => r.GetString(0), cancellationToken);
            if (migrations.Count == 0)
                throw new InvalidDataException("it has no EstPortal schema");
            var keyRing = await ListAsync(connection, "SELECT Xml FROM DataProtectionKeys", r => r.IsDBNull(0) ? null : r.GetString(0), cancellationToken);
            var cas = await ListAsync(connection, "SELECT Name, KeyStore FROM CertificateAuthorities ORDER BY Name", r => (r.GetString(0), r.GetString(1)), cancellationToken);
            var certificates = long.Parse(await ScalarAsync(connection, "SELECT COUNT(*) FROM IssuedCertificates", cancellationToken) ?? "0");
            var audit = long.Parse(await ScalarAsync(connection, "SELECT COUNT(*) FROM AuditEvents", cancellationToken) ?? "0");
            return new BackupContents(migrations, keyRing, cas, certificates, audit);
        }
        catch (SqliteException e)
        {
            // "file is not a database", a missing table: not ours, or damaged.
            throw new InvalidDataException(e.Message, e);
        }
    }

    private static async Task CopyAsync(SqliteConnection source, SqliteConnection target, CancellationToken cancellationToken)
    {
        // A read lock is refused only for a moment (a checkpoint resetting the WAL); try again briefly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                source.BackupDatabase(target);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked && attempt < 50)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellationToken))?.ToString();
    }

    private static async Task<List<T>> ListAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }
}
