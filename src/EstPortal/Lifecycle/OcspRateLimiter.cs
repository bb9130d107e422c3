using EstPortal.Est;
using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.Extensions.Options;

namespace EstPortal.Lifecycle;

/// <summary>
/// OCSP requests per client address and minute (<c>EstPortal:RateLimiting:OcspPerClientIpPerMinute</c>), on every
/// endpoint that serves /ocsp, counted apart from EST so relying parties and devices behind one address do not spend
/// each other's budget. Kept per instance, like the EST limits (ADR 0005).
/// </summary>
internal sealed class OcspRateLimiter : IDisposable
{
    private static readonly byte[] TryLater = OcspResponder.Unsuccessful(OcspResponseStatus.TryLater);

    private readonly PerMinuteLimit? _perIp;
    private readonly OcspMetrics _metrics;

    public OcspRateLimiter(IOptions<EstPortalOptions> options, OcspMetrics metrics)
    {
        _metrics = metrics;
        var limits = options.Value.RateLimiting;
        if (limits.Enabled)
            _perIp = new PerMinuteLimit(limits.OcspPerClientIpPerMinute);
    }

    /// <summary>Null when the request may go on; otherwise the 429 answer.</summary>
    public IResult? Check(HttpContext context)
    {
        if (_perIp?.Refuse(PerMinuteLimit.AddressOf(context)) is not { } retryAfter)
            return null;
        _metrics.RefusedOverLimit();
        // 429 with Retry-After (RFC 6585 §4) is what HTTP clients and proxies act on; the body is still an OCSPResponse,
        // tryLater (RFC 6960 §2.3), for a client that reads the OCSP status whatever the HTTP status. Never cached.
        return new EstResult(StatusCodes.Status429TooManyRequests, OcspEndpoint.ResponseMediaType, TryLater,
            new Dictionary<string, string>([PerMinuteLimit.RetryAfterHeader(retryAfter), new("Cache-Control", "no-store")]));
    }

    public void Dispose() => _perIp?.Dispose();
}
