namespace EstPortal.Enrollment;

public enum EnrollmentKind
{
    /// <summary>RFC 7030 §4.2.1 simpleenroll.</summary>
    Enroll,
    /// <summary>RFC 7030 §4.2.2 simplereenroll.</summary>
    Reenroll,
    /// <summary>RFC 7030 §4.4 serverkeygen.</summary>
    ServerKeyGen,
}

public enum EnrollmentFailure
{
    /// <summary>The request itself is wrong (body, CSR, policy): 400.</summary>
    BadRequest,
    /// <summary>No usable credential: 401 with WWW-Authenticate.</summary>
    Unauthenticated,
    /// <summary>A recognised caller that may not have this: 403.</summary>
    Forbidden,
    /// <summary>Over a rate limit (failed authentication per address and name, or per credential): 429 with Retry-After.</summary>
    TooManyRequests,
    /// <summary>The CA cannot sign right now (its HSM is unavailable): 503 with Retry-After; the same request works later.</summary>
    Unavailable,
}

/// <summary>
/// The private key the server generated (RFC 7030 §4.4.2): PKCS#8, or CMS when it is encrypted to the client. It owns
/// <see cref="Content"/>: disposing zeroes it, which the EST layer does once the response is written, so no copy of
/// the key outlives the request in our memory (§4.4: the server keeps no copy).
/// </summary>
public sealed class ServerGeneratedKey(byte[] content, bool encrypted) : IDisposable
{
    public byte[] Content { get; } = content;
    public bool Encrypted { get; } = encrypted;

    public void Dispose() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(Content);
}

/// <summary>
/// The outcome the EST layer turns into HTTP: a certificate's DER (and, for serverkeygen, its key), a pending approval
/// (202 with Retry-After, RFC 7030 §4.2.3), or a failure kind with a reason for the client.
/// </summary>
public sealed record EnrollmentResult(
    byte[]? CertificateDer,
    EnrollmentFailure? Failure,
    string? Reason,
    int? RetryAfterSeconds = null,
    ServerGeneratedKey? Key = null)
{
    public bool IsPending => RetryAfterSeconds is not null && Failure is null;
    public static EnrollmentResult Issued(byte[] certificateDer, ServerGeneratedKey? key = null) => new(certificateDer, null, null, Key: key);
    public static EnrollmentResult Pending(int retryAfterSeconds, string reason) => new(null, null, reason, retryAfterSeconds);
    public static EnrollmentResult Refused(EnrollmentFailure failure, string reason, int? retryAfterSeconds = null) => new(null, failure, reason, retryAfterSeconds);
    public static EnrollmentResult Unavailable(int retryAfterSeconds, string reason) => new(null, EnrollmentFailure.Unavailable, reason, retryAfterSeconds);
}
