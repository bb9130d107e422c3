namespace EstPortal.Pki;

/// <summary>
/// A CA key exists but cannot sign right now (the HSM is unreachable, its token is gone, every session is busy).
/// Unlike <see cref="IssuanceRefusedException"/> this says nothing about the request: the same request succeeds once
/// the key is back, so EST answers 503 with Retry-After (RFC 9110 §10.2.3, §15.6.4).
/// </summary>
public sealed class CaKeyUnavailableException(string message, int retryAfterSeconds, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>How long a client should wait before asking again.</summary>
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
