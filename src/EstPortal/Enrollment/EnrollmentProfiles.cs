using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>Finds the profile an EST path selects (RFC 7030 §3.2.2): the label, or the default profile without one.</summary>
public sealed class EnrollmentProfiles(IDbContextFactory<EstPortalDbContext> contexts)
{
    public async Task<ResolvedProfile?> ResolveAsync(string? label, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.EnrollmentProfiles.AsNoTracking();
        var profile = label is null
            ? await query.FirstOrDefaultAsync(p => p.IsDefault, cancellationToken)
            : await query.FirstOrDefaultAsync(p => p.Label == label, cancellationToken);
        return profile is null ? null : Resolve(profile);
    }

    public static ResolvedProfile Resolve(EnrollmentProfile profile) =>
        new(profile.Id, profile.Name, profile.Label, profile.CertificateAuthorityId, CsrPolicy.FromJson(profile.PolicyJson),
            profile.RequiresApproval, profile.WrapBase64Lines);
}
