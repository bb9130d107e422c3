namespace EstPortal.Pki;

/// <summary>
/// Builds a complete (not delta) X.509 v2 CRL signed by a CA (RFC 5280 §5) through <see cref="CrlWriter"/>, which
/// encodes entry by entry and has the CA sign the digest (<see cref="ICaSigner.SignDigest"/>), so the private key stays
/// behind <see cref="ICaSigner"/>.
/// </summary>
public sealed class CrlBuilder
{
    /// <summary>
    /// Starts a CRL whose entries the caller streams in (<see cref="CrlWriter.Add"/>); the caller disposes the writer
    /// once the signed CRL is stored. It does not look for a serial listed twice: a publisher reading issued
    /// certificates gets each serial once (their unique index).
    /// </summary>
    /// <exception cref="ArgumentException">The times are reversed.</exception>
    /// <exception cref="InvalidOperationException">The CA certificate may not sign CRLs.</exception>
    public CrlWriter Begin(ICaSigner ca, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate) => new(ca, thisUpdate, nextUpdate);

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
        ArgumentNullException.ThrowIfNull(revoked);
        ArgumentOutOfRangeException.ThrowIfNegative(crlNumber);
        using var writer = Begin(ca, thisUpdate, nextUpdate);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in revoked)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(revoked));
            var serial = entry.SerialNumber ?? throw new ArgumentException("a revoked entry has no serial number", nameof(revoked));
            // The same certificate listed twice (perhaps with different reasons) leaves relying parties guessing.
            if (!seen.Add(Convert.ToHexString(serial)))
                throw new ArgumentException($"serial {Convert.ToHexString(serial)} is listed twice", nameof(revoked));
            writer.Add(serial, entry.RevokedAt, entry.Reason);
        }
        return writer.Finish(crlNumber).ToArray();
    }
}
