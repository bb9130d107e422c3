namespace EstPortal.Data.Entities;

/// <summary>
/// A one-time secret handed to whoever installs a device. Redeemed by a single conditional update
/// (unused, unexpired, unrevoked) that must affect exactly one row.
/// </summary>
public sealed class BootstrapToken
{
    public Guid Id { get; set; }
    /// <summary>SHA-256 of the token; unique, so a presented token is found by its hash.</summary>
    public required byte[] TokenHash { get; set; }
    public Guid? DeviceId { get; set; }
    public Device? Device { get; set; }
    public string? Note { get; set; }
    /// <summary>Limits the token to one profile (its label); null: any profile that accepts tokens.</summary>
    public Guid? ProfileId { get; set; }
    /// <summary>A regular expression the CSR's CN must match when the token is used (e.g. for an unbound token).</summary>
    public string? SubjectPattern { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Serial of the certificate the redeeming request received.</summary>
    public string? UsedForSerial { get; set; }
    public string? UsedFromIp { get; set; }
    /// <summary>
    /// Set when the token was released by TPM attestation (wrapped by MakeCredential for one TPM): the SHA-256 (upper-case
    /// hex) of the attested key's SubjectPublicKeyInfo. Only a CSR for that key may redeem the token.
    /// </summary>
    public string? AttestedKeySha256 { get; set; }
    /// <summary>The endorsement key certificate the attestation was made for: issuer, serial, SHA-256 fingerprint.</summary>
    public string? TpmEkIssuer { get; set; }
    public string? TpmEkSerialNumber { get; set; }
    public string? TpmEkSha256 { get; set; }
}
