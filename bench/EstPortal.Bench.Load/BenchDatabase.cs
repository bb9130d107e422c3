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

    private BenchDatabase(string[] settings, string? server, string? name) => (Settings, _server, _name) = (settings, server, name);

    /// <summary>The app settings (`--Key=value`) that point an instance or admin command at this database.</summary>
    public string[] Settings { get; }

    public static async Task<BenchDatabase> CreateAsync(string? postgres, string dataDirectory)
    {
        if (postgres is null)
            return new BenchDatabase([], null, null);
        var name = "estportal_bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(postgres, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
        return new BenchDatabase(
            ["--Database:Provider=Postgres", $"--ConnectionStrings:EstPortal={connectionString}",
             $"--EstPortal:KeyEncryptionKeyPath={Path.Combine(dataDirectory, "key-encryption-key.pfx")}"],
            postgres, name);
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
