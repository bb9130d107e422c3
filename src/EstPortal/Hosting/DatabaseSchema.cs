using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Hosting;

/// <summary>
/// Brings the schema to this version's migrations (the `migrate` command, and start-up where
/// <see cref="DatabaseOptions.MigrateAtStartup"/> allows it), or refuses to run on a schema that is behind.
/// </summary>
public sealed class DatabaseSchema(IDbContextFactory<EstPortalDbContext> contexts, DatabaseConnection database, ILogger<DatabaseSchema> logger)
{
    /// <summary>Applies pending migrations; returns their names. Safe with several instances: EF Core takes a migration lock.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets the portal read while EST writes; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        if (await PendingCsrHashBackfill.RunAsync(db, cancellationToken) is > 0 and var hashed)
            logger.LogInformation("Stored the CSR hash of {Count} pending requests from before migration PendingBindsCsr", hashed);
        if (pending.Count > 0)
            logger.LogInformation("Applied {Count} migrations to the {Provider} database: {Migrations}", pending.Count, database.Provider, string.Join(", ", pending));
        return pending;
    }

    /// <summary>At start-up: migrate when configured to, otherwise insist the schema is current.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (database.MigrateAtStartup)
        {
            await MigrateAsync(cancellationToken);
            return;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
            throw new SchemaNotCurrentException(database.Provider, pending);
    }
}

/// <summary>The database lacks migrations this version needs, and start-up is not allowed to apply them.</summary>
public sealed class SchemaNotCurrentException(DatabaseProvider provider, IReadOnlyList<string> pending) : Exception(
    $"The {provider} database schema is behind this version of EstPortal ({pending.Count} pending migrations: {string.Join(", ", pending)}). " +
    "Run the `migrate` command once with the same settings (e.g. `EstPortal migrate --Database:Provider=Postgres " +
    "--ConnectionStrings:EstPortal=…`), or set Database:MigrateAtStartup=true.")
{
    public IReadOnlyList<string> Pending { get; } = pending;
}
