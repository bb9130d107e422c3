namespace EstPortal.Pki;

/// <summary>One revoked certificate as it appears in a CRL (RFC 5280 §5.1.2.6).</summary>
/// <param name="SerialNumber">Big-endian serial, as <c>X509Certificate2.SerialNumberBytes</c> gives it.</param>
/// <param name="RevokedAt">When the CA processed the revocation (revocationDate).</param>
/// <param name="Reason">Written as the reasonCode entry extension unless <see cref="RevocationReason.Unspecified"/>.</param>
public sealed record RevokedEntry(byte[] SerialNumber, DateTimeOffset RevokedAt, RevocationReason Reason = RevocationReason.Unspecified)
{
    /// <param name="serialHex">Hex serial, as the database stores it (<see cref="SerialNumberGenerator.ToHex"/>).</param>
    /// <exception cref="FormatException">The text is not hex.</exception>
    public static RevokedEntry FromHex(string serialHex, DateTimeOffset revokedAt, RevocationReason reason = RevocationReason.Unspecified)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serialHex);
        return new RevokedEntry(Convert.FromHexString(serialHex), revokedAt, reason);
    }
}
