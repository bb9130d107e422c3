using EstPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EstPortal.Operations.Health;

/// <summary>Ready only if the database answers a trivial query (a file that opens is not enough).</summary>
internal sealed class DatabaseReadinessCheck(IDbContextFactory<EstPortalDbContext> contexts) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception goes to the log (HealthCheckService logs it); the anonymous answer names only the check.
            return HealthCheckResult.Unhealthy("the database did not answer a trivial query", ex);
        }
    }
}
