using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Est;

/// <summary>
/// A fixed one-minute window per key (a client address, a credential), counted in this process (ADR 0005). What a
/// refused request is answered is the caller's: EST text, or an OCSP response.
/// </summary>
internal sealed class PerMinuteLimit(int permitsPerMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter =
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when <paramref name="key"/> may go on; otherwise the whole seconds until its window reopens (at least 1).</summary>
    public int? Refuse(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
    }

    /// <summary>The key for a request's client address (before any authentication, so a stranger cannot spend another's budget).</summary>
    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>RFC 6585 §4: 429 may say, in Retry-After (RFC 9110 §10.2.3), how long to wait.</summary>
    public static KeyValuePair<string, string> RetryAfterHeader(int seconds) =>
        new(HeaderNames.RetryAfter, seconds.ToString(CultureInfo.InvariantCulture));

    public void Dispose() => _limiter.Dispose();
}
