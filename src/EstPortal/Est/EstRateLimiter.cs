using System.Security.Cryptography;
using EstPortal.DeviceAuth;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;

namespace EstPortal.Est;

/// <summary>
/// Per client IP (every EST request) and per credential (requests that present one): a fixed window each. A refused
/// request gets 429 with Retry-After. Limits live in this process; with several instances each enforces its own
/// share, which still bounds guessing and floods (ADR 0005).
/// </summary>
internal sealed class EstRateLimiter : IDisposable
{
    private readonly PerMinuteLimit? _perIp;
    private readonly PerMinuteLimit? _perCredential;

    public EstRateLimiter(IOptions<EstPortalOptions> options)
    {
        var limits = options.Value.RateLimiting;
        if (!limits.Enabled)
            return;
        _perIp = new PerMinuteLimit(limits.PerClientIpPerMinute);
        _perCredential = new PerMinuteLimit(limits.PerCredentialPerMinute);
    }

    /// <summary>Null when the request may go on; otherwise the 429 answer.</summary>
    public IResult? Check(HttpContext context)
    {
        if (_perIp is null || _perCredential is null)
            return null;

        if (_perIp.Refuse(PerMinuteLimit.AddressOf(context)) is { } ipWait)
            return TooMany(ipWait, "too many requests from this address");

        if (CredentialKey(context) is { } credential && _perCredential.Refuse(credential) is { } credentialWait)
            return TooMany(credentialWait, "too many requests with this credential");
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

    private static EstResult TooMany(int retryAfter, string reason) =>
        EstResults.Error(StatusCodes.Status429TooManyRequests, $"{reason}; retry after {retryAfter} seconds",
            new Dictionary<string, string>([PerMinuteLimit.RetryAfterHeader(retryAfter)]));

    public void Dispose()
    {
        _perIp?.Dispose();
        _perCredential?.Dispose();
    }
}
