using EstPortal.Est;
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
    private readonly PerMinuteLimit? _perCredential;

    public CredentialRateLimit(IOptions<EstPortalOptions> options)
    {
        var limits = options.Value.RateLimiting;
        if (!limits.Enabled)
            return;
        _perCredential = new PerMinuteLimit(limits.PerCredentialPerMinute);
    }

    /// <summary>Null when the caller may go on; otherwise the seconds until it may try again.</summary>
    public int? RetryAfterSeconds(EstCaller caller) => _perCredential?.Refuse(caller.Actor);

    public void Dispose() => _perCredential?.Dispose();
}
