using System.Collections.Concurrent;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// Finds the profile an EST path selects (RFC 7030 §3.2.2): the label, or the default profile without one.
/// The profile row (and whether its CA is retired) is read in one precompiled query and kept in memory only while
/// <see cref="ConfigurationVersion"/> shows that no profile or CA changed since, so a change made in the portal, by the
/// admin command or by another instance applies to the very next request (on PostgreSQL: once its NOTIFY arrives),
/// while the commits of enrollments themselves leave the kept profile in place. Without a version (e.g. PostgreSQL while its
/// listener is not connected) every request reads the row. Parsed policies are kept per profile, keyed by the exact
/// JSON text they came from.
/// </summary>
public sealed class EnrollmentProfiles(IDbContextFactory<EstPortalDbContext> contexts, ConfigurationVersion configuration)
{
    private sealed record ProfileRow(Guid Id, string Name, string? Label, Guid CertificateAuthorityId, string PolicyJson,
        bool RequiresApproval, bool WrapBase64Lines, bool CertificateAuthorityRetired);

    // Compiled per instance (a singleton: once per app), not statically: a compiled query is bound to the model of the
    // provider it first ran on, and one process may host apps on different providers (the tests do).
    private readonly Func<EstPortalDbContext, Task<ProfileRow?>> DefaultProfile =
        EF.CompileAsyncQuery((EstPortalDbContext db) => db.EnrollmentProfiles.AsNoTracking()
            .Where(p => p.IsDefault)
            .Select(p => new ProfileRow(p.Id, p.Name, p.Label, p.CertificateAuthorityId, p.PolicyJson, p.RequiresApproval, p.WrapBase64Lines,
                p.CertificateAuthority!.RetiredAt != null))
            .FirstOrDefault());

    private readonly Func<EstPortalDbContext, string, Task<ProfileRow?>> LabelledProfile =
        EF.CompileAsyncQuery((EstPortalDbContext db, string label) => db.EnrollmentProfiles.AsNoTracking()
            .Where(p => p.Label == label)
            .Select(p => new ProfileRow(p.Id, p.Name, p.Label, p.CertificateAuthorityId, p.PolicyJson, p.RequiresApproval, p.WrapBase64Lines,
                p.CertificateAuthority!.RetiredAt != null))
            .FirstOrDefault());

    // Per profile: the JSON last parsed and its policy. An edited profile has new JSON and is parsed again.
    private readonly ConcurrentDictionary<Guid, (string Json, CsrPolicy Policy)> _policies = new();

    // Per label ("" for the default profile): the profile found and the configuration version read just before finding it.
    // Only labels that exist are kept, so a client trying made-up labels cannot grow this.
    private readonly ConcurrentDictionary<string, (long Version, ResolvedProfile Profile)> _resolved = new();

    public async Task<ResolvedProfile?> ResolveAsync(string? label, CancellationToken cancellationToken = default)
    {
        var key = label ?? "";
        var version = configuration.Current();
        if (version is not null && _resolved.TryGetValue(key, out var kept) && kept.Version == version)
            return kept.Profile;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = label is null ? await DefaultProfile(db) : await LabelledProfile(db, label);
        if (row is null)
            return null;
        var profile = new ResolvedProfile(row.Id, row.Name, row.Label, row.CertificateAuthorityId, PolicyOf(row.Id, row.PolicyJson),
            row.RequiresApproval, row.WrapBase64Lines, row.CertificateAuthorityRetired);
        if (version is { } read)
            _resolved[key] = (read, profile);
        return profile;
    }

    public static ResolvedProfile Resolve(EnrollmentProfile profile) =>
        new(profile.Id, profile.Name, profile.Label, profile.CertificateAuthorityId, CsrPolicy.FromJson(profile.PolicyJson),
            profile.RequiresApproval, profile.WrapBase64Lines, profile.CertificateAuthority?.RetiredAt is not null);

    private CsrPolicy PolicyOf(Guid profileId, string json)
    {
        if (_policies.TryGetValue(profileId, out var cached) && string.Equals(cached.Json, json, StringComparison.Ordinal))
            return cached.Policy;
        var policy = CsrPolicy.FromJson(json);
        _policies[profileId] = (json, policy);
        return policy;
    }
}
