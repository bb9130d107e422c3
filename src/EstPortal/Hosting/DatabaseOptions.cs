using EstPortal.Data;

namespace EstPortal.Hosting;

/// <summary>Which database the app uses: <c>Database:Provider</c> and <c>ConnectionStrings:EstPortal</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "EstPortal";

    /// <summary><c>Sqlite</c> (default: a file in the data directory, zero set-up) or <c>Postgres</c> (several instances).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Apply pending migrations when the app starts. Defaults to on for SQLite (one process owns the file) and off for
    /// PostgreSQL, where schema changes are an operator's step (`EstPortal migrate`) rather than a race between instances.
    /// </summary>
    public bool? MigrateAtStartup { get; set; }

    public bool ShouldMigrateAtStartup => MigrateAtStartup ?? Provider == DatabaseProvider.Sqlite;
}

/// <summary>The resolved choice: provider and connection string, fixed while the container is built.</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString, bool MigrateAtStartup)
{
    public static DatabaseConnection From(IConfiguration configuration, string dataDirectory)
    {
        var section = configuration.GetSection(DatabaseOptions.Section);
        DatabaseOptions options;
        try
        {
            options = section.Get<DatabaseOptions>() ?? new DatabaseOptions();
        }
        catch (InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Database:Provider is '{section["Provider"]}'; it must be one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
        }
        if (!Enum.IsDefined(options.Provider))
            throw new InvalidOperationException($"Database:Provider must be one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");

        var connectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = options.Provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataDirectory, "estportal.db")}"
                : throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:EstPortal is not set, e.g. " +
                    "--ConnectionStrings:EstPortal=\"Host=db.example;Database=estportal;Username=estportal;Password=…\".");
        }
        if (options.Provider == DatabaseProvider.Postgres)
            connectionString = WithPoolDefaults(connectionString);
        return new DatabaseConnection(options.Provider, connectionString, options.ShouldMigrateAtStartup);
    }

    /// <summary>Connections one instance opens at most, unless the connection string says otherwise.</summary>
    public const int DefaultPostgresPoolSize = 32;

    /// <summary>Statements each connection keeps prepared (Npgsql's auto-preparation), unless the connection string says otherwise.</summary>
    public const int DefaultPostgresAutoPrepared = 32;

    /// <summary>
    /// Npgsql settings chosen for this app, each only where the operator's connection string does not set it:
    /// <list type="bullet">
    /// <item><c>Maximum Pool Size</c> 32: Npgsql's own default of 100 connections per instance would let two busy
    /// instances exhaust PostgreSQL's default max_connections (100) and fail requests with 53300. With a bounded pool, a
    /// burst waits for a free connection instead; operators size it as instances × pool size &lt; max_connections.</item>
    /// <item><c>Max Auto Prepare</c> 32: an enrollment runs the same dozen statements every time (credential lookup, the
    /// group writer's inserts, the audit chain head); prepared once per connection, PostgreSQL stops parsing and planning
    /// them. Measured: 1,294 → 1,462 enrollments/s alone, 1,736/s with the next setting (bench/est-load-profile.md).</item>
    /// <item><c>No Reset On Close</c>: the app leaves no session state on a pooled connection (no SET, LISTEN, advisory
    /// lock or temporary table outside the configuration listener's own connection), so the <c>DISCARD ALL</c> Npgsql
    /// sends with every reuse — twice per enrollment — is work for nothing.</item>
    /// </list>
    /// </summary>
    private static string WithPoolDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        // The builder answers every known keyword as present; look at what the operator actually wrote.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToList();
        bool Wrote(params string[] keywords) => written.Any(k => keywords.Contains(k, StringComparer.OrdinalIgnoreCase));
        if (!Wrote("MaxPoolSize", "MaximumPoolSize"))
            builder.MaxPoolSize = DefaultPostgresPoolSize;
        if (!Wrote("MaxAutoPrepare"))
            builder.MaxAutoPrepare = DefaultPostgresAutoPrepared;
        if (!Wrote("NoResetOnClose"))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
