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
    private readonly PerMinuteLimit? _perAddress;
    private readonly RefusalTally _refusals;

    public EstRateLimiter(IOptions<EstPortalOptions> options, RefusalTally refusals)
    {
        _refusals = refusals;
        var limits = options.Value.RateLimiting;
        if (!limits.Enabled)
            return;
        _perAddress = new PerMinuteLimit(limits.PerClientIpPerMinute);
    }

    /// <summary>Null when the request may go on; otherwise the 429 answer.</summary>
    public IResult? Check(HttpContext context) =>
        Check(PerMinuteLimit.AddressOf(context)) is { } retryAfter
            ? EstResults.TooManyRequests("too many requests from this address", retryAfter)
            : null;

    /// <summary>The same per-address budget for any front door (CoAP too): null, or the seconds to wait.</summary>
    public int? Check(string address)
    {
        if (_perAddress is null)
            return null;
        if (_perAddress.Refuse(address) is not { } retryAfter)
            return null;
        _refusals.Count(address, "too many requests from this address");
        return retryAfter;
    }

    public void Dispose() => _perAddress?.Dispose();
}
