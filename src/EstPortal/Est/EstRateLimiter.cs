using System.Globalization;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using EstPortal.DeviceAuth;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Est;

/// <summary>
/// Per client IP (every EST request) and per credential (requests that present one): a fixed window each. A refused
/// request gets 429 with Retry-After. Limits live in this process; with several instances each enforces its own
/// share, which still bounds guessing and floods (ADR 0005).
/// </summary>
internal sealed class EstRateLimiter : IDisposable
{
    private readonly RateLimitingOptions _options;
    private readonly PartitionedRateLimiter<string>? _perIp;
    private readonly PartitionedRateLimiter<string>? _perCredential;

    public EstRateLimiter(IOptions<EstPortalOptions> options)
    {
        _options = options.Value.RateLimiting;
        if (!_options.Enabled)
            return;
        _perIp = Create(_options.PerClientIpPerMinute);
        _perCredential = Create(_options.PerCredentialPerMinute);
    }

    /// <summary>Null when the request may go on; otherwise the 429 answer.</summary>
    public IResult? Check(HttpContext context)
    {
        if (_perIp is null || _perCredential is null)
            return null;

        using var ipLease = _perIp.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (!ipLease.IsAcquired)
            return TooMany(ipLease, "too many requests from this address");

        if (CredentialKey(context) is { } credential)
        {
            using var credentialLease = _perCredential.AttemptAcquire(credential);
            if (!credentialLease.IsAcquired)
                return TooMany(credentialLease, "too many requests with this credential");
        }
        return null;
    }

    /// <summary>The Basic user name, or the client certificate's thumbprint: what a caller claims to be.</summary>
    private static string? CredentialKey(HttpContext context)
    {
        if (BasicCredentials.Parse(context.Request.Headers.Authorization) is { } basic)
            return "basic:" + basic.UserName;
        return context.Connection.ClientCertificate is { } certificate
            ? "certificate:" + Convert.ToHexString(SHA256.HashData(certificate.RawData))
            : null;
    }

    private static PartitionedRateLimiter<string> Create(int permitsPerMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    private static EstResult TooMany(RateLimitLease lease, string reason)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        return EstResults.Error(StatusCodes.Status429TooManyRequests, $"{reason}; retry after {retryAfter} seconds",
            new Dictionary<string, string> { [HeaderNames.RetryAfter] = retryAfter.ToString(CultureInfo.InvariantCulture) });
    }

    public void Dispose()
    {
        _perIp?.Dispose();
        _perCredential?.Dispose();
    }
}
