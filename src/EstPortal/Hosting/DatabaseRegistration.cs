using EstPortal.Audit;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Hosting;

internal static class DatabaseRegistration
{
    /// <summary>
    /// The context factory with what every context must have: the audit chain interceptor (so no audit event is
    /// ever saved unchained) and the sealer that initializes the chain at start-up.
    /// </summary>
    public static IServiceCollection AddEstPortalDatabase(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton<AuditChainKey>();
        services.AddSingleton<AuditChainInterceptor>();
        services.AddSingleton<AuditChainSealer>();
        services.AddDbContextFactory<EstPortalDbContext>((sp, db) =>
            db.UseSqlite(connectionString).AddInterceptors(sp.GetRequiredService<AuditChainInterceptor>()));
        return services;
    }
}
