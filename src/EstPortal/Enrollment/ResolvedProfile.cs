using EstPortal.Policy;

namespace EstPortal.Enrollment;

/// <summary>An enrollment profile with its policy parsed: what one request is evaluated against.</summary>
public sealed record ResolvedProfile(
    Guid Id,
    string Name,
    string? Label,
    Guid CertificateAuthorityId,
    CsrPolicy Policy,
    bool RequiresApproval,
    bool WrapBase64Lines);
