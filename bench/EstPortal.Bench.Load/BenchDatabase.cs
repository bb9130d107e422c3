using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EstPortal.Bench.Load;

/// <summary>
/// Where the instances keep their data: SQLite in the data directory (nothing to do), or a fresh PostgreSQL database
/// created on the given server and dropped afterwards, with one key-encryption key file every instance shares.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _server;
    private readonly string? _name;
    private readonly string _connectionString;

    private BenchDatabase(string[] settings, string? server, string? name, string connectionString) =>
        (Settings, _server, _name, _connectionString) = (settings, server, name, connectionString);

    /// <summary>The app settings (`--Key=value`) that point an instance or admin command at this database.</summary>
    public string[] Settings { get; }

    public static async Task<BenchDatabase> CreateAsync(string? postgres, string dataDirectory)
    {
        if (postgres is null)
            return new BenchDatabase([], null, null, $"Data Source={Path.Combine(dataDirectory, "estportal.db")};Pooling=False");
        var name = "estportal_bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(postgres, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
        return new BenchDatabase(
            ["--Database:Provider=Postgres", $"--ConnectionStrings:EstPortal={connectionString}",
             $"--EstPortal:KeyEncryptionKeyPath={Path.Combine(dataDirectory, "key-encryption-key.pfx")}"],
            postgres, name, connectionString);
    }

    /// <summary>
    /// Revokes certificates with one UPDATE, as hand-written SQL would (the admin command starts a process per serial,
    /// seconds each on a busy machine). The OCSP trigger counts it like any revocation (migration RevocationVersion).
    /// </summary>
    public async Task RevokeAsync(IReadOnlyList<string> serialHex)
    {
        await using DbConnection connection = _server is null ? new SqliteConnection(_connectionString) : new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var names = serialHex.Select((_, i) => "@s" + i).ToList();
        command.CommandText = $"""UPDATE "IssuedCertificates" SET "RevokedAt" = @at, "RevocationReason" = 1, "RevokedBy" = 'bench' WHERE "SerialNumber" IN ({string.Join(", ", names)})""";
        var at = command.CreateParameter();
        at.ParameterName = "@at";
        // SQLite stores DateTimeOffset as UTC ticks (SqliteEstPortalDbContext); PostgreSQL as timestamptz.
        at.Value = _server is null ? DateTimeOffset.UtcNow.UtcTicks : DateTimeOffset.UtcNow;
        command.Parameters.Add(at);
        for (var i = 0; i < names.Count; i++)
        {
            var serial = command.CreateParameter();
            serial.ParameterName = names[i];
            serial.Value = serialHex[i];
            command.Parameters.Add(serial);
        }
        var changed = await command.ExecuteNonQueryAsync();
        if (changed != serialHex.Count)
            throw new InvalidOperationException($"revoked {changed} of {serialHex.Count} certificates");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null)
            return;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
