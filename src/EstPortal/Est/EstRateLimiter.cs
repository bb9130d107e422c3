using System.Threading.RateLimiting;
using EstPortal.Audit;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;

namespace EstPortal.Est;

/// <summary>
/// The limit before authentication: per client address only (a fixed window), so nobody can spend another's budget by
/// claiming their name. Failed authentication and per-credential limits come after, in the enrollment pipeline
/// (<see cref="EstPortal.Enrollment.EnrollmentAuthentication"/>). A refused request gets 429 with Retry-After and is
/// counted in the refusal summary, never one audit row each. Limits live in this process (ADR 0005).
/// </summary>
internal sealed class EstRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perAddress;
    private readonly RefusalTally _refusals;

    public EstRateLimiter(IOptions<EstPortalOptions> options, RefusalTally refusals)
    {
        _refusals = refusals;
        var limits = options.Value.RateLimiting;
        if (!limits.Enabled)
            return;
        _perAddress = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.PerClientIpPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    /// <summary>Null when the request may go on; otherwise the 429 answer.</summary>
    public IResult? Check(HttpContext context)
    {
        if (_perAddress is null)
            return null;
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = _perAddress.AttemptAcquire(address);
        if (lease.IsAcquired)
            return null;
        _refusals.Count(address, "too many requests from this address");
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        return EstResults.TooManyRequests("too many requests from this address", retryAfter);
    }

    public void Dispose() => _perAddress?.Dispose();
}
