using System.Globalization;

namespace EstPortal.Components.Shared;

public static class CertificateFormat
{
    /// <summary>Hex pairs joined by colons, as openssl and browsers show fingerprints.</summary>
    public static string Fingerprint(string hex) =>
        string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2))).ToUpperInvariant();

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Validity(DateTimeOffset notBefore, DateTimeOffset notAfter) => $"{Date(notBefore)} → {Date(notAfter)}";
}
