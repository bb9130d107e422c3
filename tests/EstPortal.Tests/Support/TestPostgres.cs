using System.Reflection;
using EstPortal.Data;
using Npgsql;
using Xunit.Sdk;

namespace EstPortal.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use: a connection string (with a role allowed to create databases) in
/// <c>ESTPORTAL_TEST_POSTGRES</c>. `.ci/postgres-up` starts Debian's cluster on 127.0.0.1 and prints one. Without it
/// PostgreSQL tests are skipped on a developer machine and fail under CI, where `.ci/run` always provides it.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "ESTPORTAL_TEST_POSTGRES";

    public static string? ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string? SkipReason => ServerConnectionString is null && !ExternalTool.IsCi
        ? $"PostgreSQL not configured: export {Variable}=\"$(sudo .ci/postgres-up)\""
        : null;

    /// <summary>A new, empty database of its own (tests run in parallel and must not see each other's rows).</summary>
    public static async Task<PostgresTestDatabase> CreateDatabaseAsync()
    {
        var server = ServerConnectionString ?? throw new InvalidOperationException(
            $"{Variable} is not set; PostgreSQL tests are required when CI=true (.ci/run sets it with .ci/postgres-up)");
        var name = "estportal_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name}\"";
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new PostgresTestDatabase(server, name, builder.ConnectionString);
    }
}

/// <summary>A throwaway database; dropped (closing whatever still uses it) on dispose.</summary>
public sealed class PostgresTestDatabase(string serverConnectionString, string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var drop = connection.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                // An autovacuum worker (not ours to terminate) is visiting the fresh database; it leaves within moments.
                await Task.Delay(250);
            }
        }
    }
}

/// <summary>A test that needs the PostgreSQL server (see <see cref="TestPostgres"/>).</summary>
public sealed class RequiresPostgresFactAttribute : FactAttribute
{
    public RequiresPostgresFactAttribute() => Skip = TestPostgres.SkipReason;
}

/// <summary>The PostgreSQL row of a provider theory: <c>[Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]</c>.</summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    public PostgresDataAttribute() => Skip = TestPostgres.SkipReason;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[DatabaseProvider.Postgres]];
}
