using EstPortal.Audit;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EstPortal.Hosting;

internal static class DatabaseRegistration
{
    /// <summary>
    /// The context factory with what every context must have: the audit chain interceptor (so no audit event is
    /// ever saved unchained) and the sealer that initializes the chain at start-up. The provider's own context type
    /// (with its migrations) is created, and handed out as <see cref="EstPortalDbContext"/> to the rest of the app.
    /// Contexts are pooled: every EST request creates several, and building one from scratch showed up in profiles
    /// (bench/est-load-profile.md); EF Core resets a pooled context's state when it is returned.
    /// </summary>
    public static IServiceCollection AddEstPortalDatabase(this IServiceCollection services, DatabaseConnection database)
    {
        services.AddSingleton(database);
        services.AddSingleton<AuditChainKey>();
        services.AddSingleton<AuditChainInterceptor>();
        services.AddSingleton<AuditChainSealer>();
        services.AddSingleton<DatabaseSchema>();
        services.AddSingleton<KeyRingCompatibility>();
        services.AddSingleton<Backup.SqliteRestore>();
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddPooledDbContextFactory<SqliteEstPortalDbContext>((sp, db) =>
                    db.UseSqlite(database.ConnectionString).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>())
                        // EF Core warns that a table rebuild's `PRAGMA foreign_keys = 0/1` runs outside the migration's
                        // transaction. That PRAGMA is per-connection state, not data: a crash between it and the
                        // (transactional) rebuild leaves nothing half-applied. SqliteMigrationSafetyTests keep this true:
                        // they fail when any migration suppresses the transaction for anything else.
                        .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug))));
                services.AddSingleton<IDbContextFactory<EstPortalDbContext>, ProviderContextFactory<SqliteEstPortalDbContext>>();
                services.AddHostedService<Enrollment.WalCheckpointer>();
                break;
            case DatabaseProvider.Postgres:
                services.AddPooledDbContextFactory<PostgresEstPortalDbContext>((sp, db) =>
                    db.UseNpgsql(database.ConnectionString).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()));
                services.AddSingleton<IDbContextFactory<EstPortalDbContext>, ProviderContextFactory<PostgresEstPortalDbContext>>();
                services.AddSingleton<Enrollment.PostgresConfigurationListener>();
                services.AddHostedService(sp => sp.GetRequiredService<Enrollment.PostgresConfigurationListener>());
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider {database.Provider}.");
        }
        // Identity's stores and the Data Protection key ring ask for the context itself, per scope.
        services.AddScoped<EstPortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Hands out the provider's context as the shared model type.</summary>
    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<EstPortalDbContext>
        where TContext : EstPortalDbContext
    {
        public EstPortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<EstPortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
