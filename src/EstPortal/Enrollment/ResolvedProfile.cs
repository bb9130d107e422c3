using EstPortal.Policy;

namespace EstPortal.Enrollment;

/// <summary>
/// An enrollment profile with its policy parsed: what one request is evaluated against. The CA's retirement is read
/// with the profile, so a request never issues from a CA that was rolled over before it arrived.
/// </summary>
public sealed record ResolvedProfile(
    Guid Id,
    string Name,
    string? Label,
    Guid CertificateAuthorityId,
    CsrPolicy Policy,
    bool RequiresApproval,
    bool WrapBase64Lines,
    bool CertificateAuthorityRetired = false);
