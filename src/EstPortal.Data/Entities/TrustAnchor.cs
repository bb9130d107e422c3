namespace EstPortal.Data.Entities;

/// <summary>What a trust anchor vouches for. It authenticates clients only; it is never an issuer.</summary>
public enum TrustAnchorPurpose
{
    /// <summary>A manufacturer CA whose IEEE 802.1AR IDevIDs authenticate a device's first enrollment (RFC 7030 §3.3.2).</summary>
    ManufacturerIdentity = 0,
    /// <summary>A TPM vendor's root for endorsement-key certificates.</summary>
    TpmEndorsement = 1,
}

/// <summary>
/// A CA certificate an Admin trusts to vouch for clients (a manufacturer's IDevID CA, a TPM vendor's EK root). Only the
/// certificate is stored; EstPortal never signs with it. Profiles name the anchors they accept.
/// </summary>
public sealed class TrustAnchor
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public TrustAnchorPurpose Purpose { get; set; }
    public required byte[] CertificateDer { get; set; }
    public required string Subject { get; set; }
    /// <summary>SHA-256 of the DER certificate, lowercase hex.</summary>
    public required string Sha256Fingerprint { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
