using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// Not ready while the start-up warm-up runs, so a load balancer sends the first devices to a server whose enrollment
/// path is compiled (ADR 0028). A warm-up that fails only costs speed: it finishes, and readiness stops waiting.
/// </summary>
internal sealed class WarmupReadinessCheck(WarmupProgress progress) : IHealthCheck
{
    public const string Name = "warm-up";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(progress.Pending is { } stage ? HealthCheckResult.Unhealthy(stage) : HealthCheckResult.Healthy());
}
