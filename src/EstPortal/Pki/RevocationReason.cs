namespace EstPortal.Pki;

/// <summary>
/// Why a certificate was revoked: the CRLReason codes of RFC 5280 §5.3.1, with the same numeric values (7 is unused
/// by the RFC). OCSP reuses the same type for revokedInfo (RFC 6960 §4.2.1).
/// </summary>
public enum RevocationReason
{
    Unspecified = 0,
    KeyCompromise = 1,
    CACompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,

    /// <summary>Only meaningful in delta CRLs (RFC 5280 §5.3.1); <see cref="CrlBuilder"/> builds full CRLs and refuses it.</summary>
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AACompromise = 10,
}
