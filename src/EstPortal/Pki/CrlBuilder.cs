using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Builds a complete (not delta) X.509 v2 CRL signed by a CA (RFC 5280 §5). The BCL's
/// <see cref="CertificateRevocationListBuilder"/> does the encoding and signs through the CA's
/// <see cref="X509SignatureGenerator"/>, so the private key stays behind <see cref="ICaSigner"/>.
/// </summary>
public sealed class CrlBuilder
{
    /// <summary>RFC 5280 §4.1.2.2: serial numbers are at most 20 octets.</summary>
    private const int MaxSerialLength = 20;

    /// <param name="crlNumber">Monotonically increasing per CA (RFC 5280 §5.2.3); the caller persists it.</param>
    /// <returns>The DER-encoded CertificateList.</returns>
    /// <exception cref="ArgumentException">An entry is invalid (bad serial, duplicate, removeFromCRL) or the times are reversed.</exception>
    /// <exception cref="InvalidOperationException">The CA certificate may not sign CRLs.</exception>
    public byte[] Build(
        ICaSigner ca,
        long crlNumber,
        DateTimeOffset thisUpdate,
        DateTimeOffset nextUpdate,
        IEnumerable<RevokedEntry> revoked)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(revoked);
        // RFC 5280 §5.2.3: a non-negative integer (the 20-octet limit is far beyond a long).
        ArgumentOutOfRangeException.ThrowIfNegative(crlNumber);

        // X.509 Time has whole-second precision (RFC 5280 §5.1.2.4, §5.1.2.5).
        var thisUpdateUtc = CertificateTimes.TruncateToSeconds(thisUpdate);
        var nextUpdateUtc = CertificateTimes.TruncateToSeconds(nextUpdate);
        if (nextUpdateUtc <= thisUpdateUtc)
        {
            throw new ArgumentException("nextUpdate must be later than thisUpdate (RFC 5280 §5.1.2.5)", nameof(nextUpdate));
        }

        EnsureMaySignCrls(ca.Certificate);

        var builder = new CertificateRevocationListBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in revoked)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(revoked));
            var serial = Validate(entry, seen);
            builder.AddEntry(serial, CertificateTimes.TruncateToSeconds(entry.RevokedAt), ReasonCode(entry.Reason));
        }

        // Version 2 with cRLNumber and authorityKeyIdentifier, both of which RFC 5280 §5.2.1 and §5.2.3 require
        // of conforming CRL issuers; the issuer field is the CA's subject (§5.1.2.3).
        return builder.Build(
            ca.Certificate.SubjectName,
            ca.SignatureGenerator,
            new BigInteger(crlNumber),
            nextUpdateUtc,
            ca.HashAlgorithm,
            CaAuthorityKeyIdentifier.For(ca.Certificate),
            thisUpdateUtc);
    }

    private static byte[] Validate(RevokedEntry entry, HashSet<string> seen)
    {
        var serial = entry.SerialNumber ?? throw new ArgumentException("a revoked entry has no serial number", nameof(entry));
        if (serial.Length is 0 or > MaxSerialLength)
        {
            throw new ArgumentException(
                $"serial number length {serial.Length} is outside 1..{MaxSerialLength} octets (RFC 5280 §4.1.2.2)", nameof(entry));
        }

        // The same certificate listed twice (perhaps with different reasons) leaves relying parties guessing.
        if (!seen.Add(Convert.ToHexString(serial)))
        {
            throw new ArgumentException($"serial {Convert.ToHexString(serial)} is listed twice", nameof(entry));
        }

        if (entry.Reason == RevocationReason.RemoveFromCrl)
        {
            // RFC 5280 §5.3.1: removeFromCRL only appears in delta CRLs; this builder writes complete CRLs.
            throw new ArgumentException("removeFromCRL is only valid in delta CRLs", nameof(entry));
        }

        if (!RevocationReasons.IsDefined(entry.Reason))
        {
            throw new ArgumentException($"revocation reason {(int)entry.Reason} is not defined by RFC 5280", nameof(entry));
        }

        return serial;
    }

    // RFC 5280 §5.3.1: "the reason code CRL entry extension SHOULD be absent instead of using the unspecified (0)
    // reasonCode value". The enum values are the RFC's codes, as are X509RevocationReason's.
    private static X509RevocationReason? ReasonCode(RevocationReason reason) =>
        reason == RevocationReason.Unspecified ? null : (X509RevocationReason)(int)reason;

    private static void EnsureMaySignCrls(X509Certificate2 ca)
    {
        // RFC 5280 §4.2.1.3: a key that signs CRLs must assert cRLSign when keyUsage is present; relying parties
        // (openssl among them) reject a CRL whose issuer lacks it.
        var keyUsage = ca.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is not null && !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign))
        {
            throw new InvalidOperationException($"CA certificate '{ca.Subject}' may not sign CRLs (no cRLSign key usage)");
        }
    }
}
