namespace EstPortal.Data.Entities;

/// <summary>Every certificate that left the server. Committed before the response is sent.</summary>
public sealed class IssuedCertificate
{
    public Guid Id { get; set; }
    /// <summary>Upper-case hex of the positive serial number, no leading zero byte.</summary>
    public required string SerialNumber { get; set; }
    public Guid CertificateAuthorityId { get; set; }
    public Guid? ProfileId { get; set; }
    public CertificateAuthority? CertificateAuthority { get; set; }
    public Guid? DeviceId { get; set; }
    public Device? Device { get; set; }
    public required string Subject { get; set; }
    public string? SubjectAlternativeNames { get; set; }
    public required string Sha256Thumbprint { get; set; }
    /// <summary>SHA-256 of the SubjectPublicKeyInfo; tells renewal (same key) from rekey.</summary>
    public required string PublicKeySha256 { get; set; }
    public required byte[] CertificateDer { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    /// <summary>How the requester authenticated: credential, token or certificate, with its id.</summary>
    public required string IssuedVia { get; set; }
    public Guid? ReplacesCertificateId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Who revoked it: "operator:…", "cli", or "system" (device disabled).</summary>
    public string? RevokedBy { get; set; }
    public int? RevocationReason { get; set; }
    /// <summary>For a key proven by TPM attestation: the EK certificate's issuer, serial and SHA-256 fingerprint (null otherwise).</summary>
    public string? TpmEkIssuer { get; set; }
    public string? TpmEkSerialNumber { get; set; }
    public string? TpmEkSha256 { get; set; }
}
