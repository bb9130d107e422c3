using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

internal static class CertificateTimes
{
    /// <summary>
    /// Certificates start this far in the past so a device whose clock runs a little behind does not reject a
    /// certificate it has just received as "not yet valid".
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    // X509Certificate2 reports validity in local time; everything here works in UTC.
    public static DateTimeOffset NotBefore(X509Certificate2 certificate) =>
        new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset NotAfter(X509Certificate2 certificate) =>
        new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>X.509 Time has whole-second precision (RFC 5280 §4.1.2.5); truncate so clamping compares like with like.</summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
