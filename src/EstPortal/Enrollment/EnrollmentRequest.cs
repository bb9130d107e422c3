using System.Security.Cryptography;
using EstPortal.DeviceAuth;

namespace EstPortal.Enrollment;

/// <summary>
/// One enrollment as the EST layer received it. <see cref="CsrDer"/> is the de-framed body (DER), or null with
/// <see cref="FramingError"/> set when the body could not be decoded — still audited as a refusal.
/// <see cref="TlsUnique"/> is the connection's RFC 5929 tls-unique value (TLS 1.2 only; null on TLS 1.3).
/// <see cref="ThroughProxy"/>: the request came from a trusted TLS-terminating reverse proxy, so there is no TLS
/// session with the device to bind to.
/// </summary>
public sealed record EnrollmentRequest(
    EnrollmentKind Kind,
    ResolvedProfile Profile,
    PresentedCredentials Credentials,
    byte[]? CsrDer,
    string? FramingError,
    string? ClientIp,
    byte[]? TlsUnique = null,
    bool ThroughProxy = false,
    string Transport = EnrollmentRequest.Https)
{
    /// <summary>EST over HTTPS (RFC 7030); the other front door is EST over secure CoAP, "coaps" (RFC 9148).</summary>
    public const string Https = "https";

    /// <summary>
    /// Lower-case hex SHA-256 of the CSR DER as received, or null when the body could not be decoded. Lower case so it
    /// compares directly with <c>openssl dgst -sha256</c> or <c>sha256sum</c> run on the device's DER CSR.
    /// </summary>
    public string? CsrSha256 => CsrDer is null ? null : Convert.ToHexStringLower(SHA256.HashData(CsrDer));
}
