using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Data;

/// <summary>
/// Lets `dotnet ef migrations add … --context SqliteEstPortalDbContext|PostgresEstPortalDbContext` build the model
/// without starting the app (which would create a data directory, keys and a CA). The connection strings are never
/// opened by `migrations add`.
/// </summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteEstPortalDbContext>
{
    public SqliteEstPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteEstPortalDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresEstPortalDbContext>
{
    public PostgresEstPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresEstPortalDbContext>()
            .UseNpgsql("Host=localhost;Database=estportal_design_time")
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options);
}

internal static class DesignTimeServices
{
    /// <summary>IdentityDbContext reads its schema version from the application's IdentityOptions.</summary>
    public static IServiceProvider Create() => new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = EstPortalDbContext.IdentitySchemaVersion)
        .BuildServiceProvider();
}
