namespace EstPortal.Data.Entities;

/// <summary>
/// What a path under /.well-known/est selects (RFC 7030 §3.2.2): which CA issues, which CSR policy applies, which
/// authentication methods are accepted and whether an operator must approve. The default profile has no label.
/// </summary>
public sealed class EnrollmentProfile
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The RFC 7030 §3.2.2 label; null for the default profile (the plain /.well-known/est/ paths).</summary>
    public string? Label { get; set; }
    public bool IsDefault { get; set; }
    public Guid CertificateAuthorityId { get; set; }
    public CertificateAuthority? CertificateAuthority { get; set; }
    /// <summary>The CSR policy, serialized by the Policy layer (one object enforces and advertises it).</summary>
    public required string PolicyJson { get; set; }
    public bool RequiresApproval { get; set; }
    /// <summary>Wrap base64 answers at 64 characters for clients built on libest, whose decoder needs line breaks.</summary>
    public bool WrapBase64Lines { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
