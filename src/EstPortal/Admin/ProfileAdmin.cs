using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Est;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

public sealed record ProfileSummary(Guid Id, string Name, string? Label, bool IsDefault, string CaName, bool RequiresApproval,
    bool WrapBase64Lines, CsrPolicy Policy);

/// <summary>Enrollment profiles: which CA, which policy, which label (RFC 7030 §3.2.2).</summary>
public sealed class ProfileAdmin(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    public const string DefaultName = "default";

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "A profile name is required.";
        if (name.Length > 64 || name != name.Trim())
            return "A profile name has at most 64 characters and no leading or trailing spaces.";
        return null;
    }

    /// <summary>
    /// Proof-of-possession linking and approval cannot work together: the CSR carries the tls-unique of the TLS session
    /// it was sent on (RFC 7030 §3.5), and the retry after a 202 (§4.2.3) comes on a new session, so either the resent
    /// CSR fails the linking check or a new CSR is a new request the operator has not seen (ADR 0013) — the device
    /// would poll for ever. Refused when the profile is saved, not discovered by a stuck device.
    /// </summary>
    private static string? CheckSwitches(CsrPolicy policy, bool requiresApproval) =>
        policy.RequireProofOfPossessionLinking && requiresApproval
            ? "A profile cannot both require approval and proof-of-possession linking: the retry after approval comes on a new TLS session, whose tls-unique the approved CSR cannot carry (RFC 7030 §3.5, §4.2.3)."
            : null;

    public async Task<AdminResult<ProfileSummary>> AddAsync(
        string name, string? label, string? caName, CsrPolicy policy, bool requiresApproval, bool wrapBase64Lines, string actor,
        CancellationToken cancellationToken = default)
    {
        var errors = new List<string>();
        if (ValidateName(name) is { } nameError)
            errors.Add(nameError);
        if (label is not null && EstLabel.Validate(label) is { } labelError)
            errors.Add(labelError);
        errors.AddRange(CsrPolicyValidator.Validate(policy));
        if (CheckSwitches(policy, requiresApproval) is { } switchError)
            errors.Add(switchError);
        if (errors.Count > 0)
            return AdminResult<ProfileSummary>.Fail(string.Join(" ", errors));

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ca = caName is null
            ? await db.CertificateAuthorities.FirstOrDefaultAsync(c => c.IsDefault, cancellationToken)
            : await db.CertificateAuthorities.FirstOrDefaultAsync(c => c.Name == caName, cancellationToken);
        if (ca is null)
            return AdminResult<ProfileSummary>.NotFound(caName is null ? "No default CA exists." : $"No CA is named '{caName}'.");
        if (await db.EnrollmentProfiles.AnyAsync(p => p.Name == name, cancellationToken))
            return AdminResult<ProfileSummary>.Conflict($"A profile named '{name}' already exists.");
        if (label is null && await db.EnrollmentProfiles.AnyAsync(p => p.IsDefault, cancellationToken))
            return AdminResult<ProfileSummary>.Conflict("A profile without a label is the default profile, and one already exists; give this one a label.");
        if (label is not null && await db.EnrollmentProfiles.AnyAsync(p => p.Label == label, cancellationToken))
            return AdminResult<ProfileSummary>.Conflict($"The label '{label}' is already used by another profile.");
        if (await CheckAcceptedProfilesAsync(db, name, policy, cancellationToken) is { } acceptError)
            return AdminResult<ProfileSummary>.Fail(acceptError);
        if (await CheckTpmAnchorsAsync(db, policy, cancellationToken) is { } tpmError)
            return AdminResult<ProfileSummary>.Fail(tpmError);

        var now = time.GetUtcNow();
        var profile = new EnrollmentProfile
        {
            Id = Guid.NewGuid(),
            Name = name,
            Label = label,
            IsDefault = label is null,
            CertificateAuthorityId = ca.Id,
            PolicyJson = policy.ToJson(),
            RequiresApproval = requiresApproval,
            WrapBase64Lines = wrapBase64Lines,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.EnrollmentProfiles.Add(profile);
        audit.Stage(db, new AuditRecord(AuditEventTypes.ProfileCreated, true, actor,
            Details: $"profile '{name}' label {(label is null ? "(default)" : $"'{label}'")} CA '{ca.Name}' approval={requiresApproval} policy={profile.PolicyJson}"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return AdminResult<ProfileSummary>.Conflict($"A profile named '{name}' or labelled '{label}' already exists.");
        }
        return AdminResult<ProfileSummary>.Ok(new ProfileSummary(profile.Id, name, label, profile.IsDefault, ca.Name, requiresApproval, wrapBase64Lines, policy));
    }

    /// <summary>Changes a profile's policy and switches; what was there before goes to the audit log.</summary>
    public Task<AdminResult<ProfileSummary>> UpdateAsync(
        string name, CsrPolicy policy, bool requiresApproval, bool wrapBase64Lines, string actor, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(name, caName: null, policy, requiresApproval, wrapBase64Lines, actor, cancellationToken);

    /// <summary>As the other overload, and moves the profile to another CA (the portal's edit form).</summary>
    public Task<AdminResult<ProfileSummary>> UpdateAsync(
        string name, string caName, CsrPolicy policy, bool requiresApproval, bool wrapBase64Lines, string actor, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(name, caName, policy, requiresApproval, wrapBase64Lines, actor, cancellationToken);

    private async Task<AdminResult<ProfileSummary>> UpdateCoreAsync(
        string name, string? caName, CsrPolicy policy, bool requiresApproval, bool wrapBase64Lines, string actor, CancellationToken cancellationToken)
    {
        if (CsrPolicyValidator.Validate(policy) is { Count: > 0 } errors)
            return AdminResult<ProfileSummary>.Fail(string.Join(" ", errors));
        if (CheckSwitches(policy, requiresApproval) is { } switchError)
            return AdminResult<ProfileSummary>.Fail(switchError);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var profile = await db.EnrollmentProfiles.Include(p => p.CertificateAuthority).FirstOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (profile is null)
            return AdminResult<ProfileSummary>.NotFound($"No profile is named '{name}'.");
        if (await CheckAcceptedProfilesAsync(db, name, policy, cancellationToken) is { } acceptError)
            return AdminResult<ProfileSummary>.Fail(acceptError);
        if (await CheckTpmAnchorsAsync(db, policy, cancellationToken) is { } tpmError)
            return AdminResult<ProfileSummary>.Fail(tpmError);
        var before = $"CA '{profile.CertificateAuthority?.Name}' approval={profile.RequiresApproval} wrap={profile.WrapBase64Lines} policy={profile.PolicyJson}";
        if (caName is not null)
        {
            var ca = await db.CertificateAuthorities.FirstOrDefaultAsync(c => c.Name == caName, cancellationToken);
            if (ca is null)
                return AdminResult<ProfileSummary>.NotFound($"No CA is named '{caName}'.");
            if (ca.RetiredAt is not null)
                return AdminResult<ProfileSummary>.Fail($"CA '{caName}' is retired and signs nothing new.");
            profile.CertificateAuthorityId = ca.Id;
            profile.CertificateAuthority = ca;
        }
        profile.PolicyJson = policy.ToJson();
        profile.RequiresApproval = requiresApproval;
        profile.WrapBase64Lines = wrapBase64Lines;
        profile.UpdatedAt = time.GetUtcNow();
        audit.Stage(db, new AuditRecord(AuditEventTypes.ProfileUpdated, true, actor,
            Details: $"profile '{name}' before: {before}; after: CA '{profile.CertificateAuthority?.Name}' approval={requiresApproval} wrap={wrapBase64Lines} policy={profile.PolicyJson}"));
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult<ProfileSummary>.Ok(Summarize(profile));
    }

    /// <summary>Profiles named in AcceptReenrollmentFrom must exist (a typo would silently accept nothing) and be others.</summary>
    private static async Task<string?> CheckAcceptedProfilesAsync(EstPortalDbContext db, string name, CsrPolicy policy, CancellationToken cancellationToken)
    {
        var accepted = policy.AcceptReenrollmentFrom.ToList();
        if (accepted.Contains(name, StringComparer.Ordinal))
            return $"Profile '{name}' always accepts its own certificates; name other profiles in 'accept re-enrollment from'.";
        var known = await db.EnrollmentProfiles.Where(p => accepted.Contains(p.Name)).Select(p => p.Name).ToListAsync(cancellationToken);
        var unknown = accepted.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            return $"No profile is named {string.Join(", ", unknown.Select(u => $"'{u}'"))} (accept re-enrollment from).";
        return await CheckIdevidAnchorsAsync(db, policy, cancellationToken);
    }

    /// <summary>The manufacturer anchors a profile names must exist as such (a typo would silently accept no IDevID).</summary>
    private static async Task<string?> CheckIdevidAnchorsAsync(EstPortalDbContext db, CsrPolicy policy, CancellationToken cancellationToken)
    {
        var unknown = await TrustAnchorAdmin.UnknownAsync(db, policy.Idevid.TrustAnchors.ToList(), TrustAnchorPurpose.ManufacturerIdentity, cancellationToken);
        return unknown.Count == 0 ? null : $"No manufacturer (idevid) trust anchor is named {string.Join(", ", unknown.Select(u => $"'{u}'"))}.";
    }

    /// <summary>
    /// TPM attestation names EK roots that exist as TpmEndorsement anchors (a typo would accept no TPM), and a profile that
    /// requires attestation names at least one, or no device could ever enroll under it.
    /// </summary>
    private static async Task<string?> CheckTpmAnchorsAsync(EstPortalDbContext db, CsrPolicy policy, CancellationToken cancellationToken)
    {
        var tpm = policy.TpmAttestation;
        if (tpm.Required && tpm.EkTrust.Count == 0)
            return "A profile that requires TPM attestation names at least one TPM EK trust anchor (--tpm-ek-trust).";
        var unknown = await TrustAnchorAdmin.UnknownAsync(db, tpm.EkTrust, TrustAnchorPurpose.TpmEndorsement, cancellationToken);
        return unknown.Count == 0 ? null : $"No TPM EK trust anchor (purpose tpm-ek) is named {string.Join(", ", unknown.Select(u => $"'{u}'"))}.";
    }

    public async Task<IReadOnlyList<ProfileSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.EnrollmentProfiles.AsNoTracking().Include(p => p.CertificateAuthority).OrderBy(p => p.Name).ToListAsync(cancellationToken);
        return rows.Select(Summarize).ToList();
    }

    public async Task<ProfileSummary?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.EnrollmentProfiles.AsNoTracking().Include(p => p.CertificateAuthority).FirstOrDefaultAsync(p => p.Name == name, cancellationToken);
        return row is null ? null : Summarize(row);
    }

    private static ProfileSummary Summarize(EnrollmentProfile p) =>
        new(p.Id, p.Name, p.Label, p.IsDefault, p.CertificateAuthority?.Name ?? "?", p.RequiresApproval, p.WrapBase64Lines, CsrPolicy.FromJson(p.PolicyJson));
}
