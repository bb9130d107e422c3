using System.Threading.RateLimiting;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;

namespace EstPortal.DeviceAuth;

/// <summary>
/// Per device credential, bootstrap token or client certificate (the caller's <see cref="EstCaller.Actor"/>), counted
/// only once a request has authenticated: a stranger guessing with a device's name spends nothing of the device's
/// budget (ADR 0005). Partitions exist only for real credentials, so memory follows the fleet, not the attacker.
/// </summary>
public sealed class CredentialRateLimit : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perCredential;

    public CredentialRateLimit(IOptions<EstPortalOptions> options)
    {
        var limits = options.Value.RateLimiting;
        if (!limits.Enabled)
            return;
        _perCredential = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.PerCredentialPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    /// <summary>Null when the caller may go on; otherwise the seconds until it may try again.</summary>
    public int? RetryAfterSeconds(EstCaller caller)
    {
        if (_perCredential is null)
            return null;
        using var lease = _perCredential.AttemptAcquire(caller.Actor);
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
    }

    public void Dispose() => _perCredential?.Dispose();
}
