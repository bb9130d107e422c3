using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.DeviceAuth;

/// <summary>
/// A manufacturer certificate (IDevID) on a profile that accepts manufacturer anchors: validated against those anchors
/// (<see cref="ManufacturerCertificateValidator"/>), then mapped to a device by the profile's identity setting — a
/// device whose <c>idevid</c> value equals it, else a device without one whose name equals it. An IDevID naming no
/// known device still authenticates (as that unknown device): whether it may enroll is the caller rule
/// <c>idevid-device</c>'s decision. The anchors are read on every request, so a removed anchor (or one dropped from the
/// profile) stops the very next request.
/// </summary>
public sealed class IdevidValidator(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    private sealed record DeviceRow(Guid Id, string Name, string? Idevid, bool Disabled, string? SubjectAltNamePatterns);

    public async Task<DeviceAuthResult> ValidateAsync(X509Certificate2 certificate, IReadOnlyCollection<X509Certificate2> extraChain, IdevidPolicy policy,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var names = policy.TrustAnchors.ToList();
        var anchors = await db.TrustAnchors.AsNoTracking()
            .Where(a => names.Contains(a.Name) && a.Purpose == TrustAnchorPurpose.ManufacturerIdentity)
            .ToListAsync(cancellationToken);
        var (idevid, reason) = ManufacturerCertificateValidator.Validate(certificate, extraChain, anchors, policy.AcceptExpired, time.GetUtcNow());
        if (idevid is null)
            // No actor: anyone can make a certificate; one that no accepted anchor vouches for is a stranger's (ADR 0014).
            return DeviceAuthResult.Refused($"the client certificate is not an accepted IDevID: {reason} ({PresentedIdevid.Of(certificate)})", actor: null);

        var actor = $"idevid:{certificate.SerialNumber}";
        var (value, problem) = IdevidIdentity.Read(certificate, policy.Identity);
        if (value is null)
            return DeviceAuthResult.Refused($"{problem} ({idevid.Presented})", actor);

        var candidates = await db.Devices.AsNoTracking()
            .Where(d => d.Idevid == value || (d.Idevid == null && d.Name == value))
            .Select(d => new DeviceRow(d.Id, d.Name, d.Idevid, d.Disabled, d.SubjectAltNamePatterns))
            .Take(2)
            .ToListAsync(cancellationToken);
        // A device's own idevid value names it before another device's name does.
        var device = candidates.FirstOrDefault(d => d.Idevid == value) ?? candidates.FirstOrDefault();
        if (device is { Disabled: true })
            return DeviceAuthResult.Refused($"device '{device.Name}' is disabled ({idevid.Presented})", actor);

        var caller = new IdevidCaller(idevid.Presented, idevid.AnchorName, value, Known: device is not null);
        return DeviceAuthResult.Success(new EstCaller(EstCallerKind.ManufacturerCertificate, actor, device?.Id,
            device?.Name ?? IdevidCaller.DeviceNameFor(value), DeviceSubjectAltNamePatterns: device?.SubjectAltNamePatterns, Idevid: caller));
    }
}

/// <summary>
/// The IDevID a caller authenticated with: what it is, which anchor vouched for it, the identity value it names and
/// whether a device with that identity is already known.
/// </summary>
public sealed record IdevidCaller(PresentedIdevid Presented, string AnchorName, string IdentityValue, bool Known)
{
    /// <summary>
    /// The name a device registered on first contact gets: the identity value, with what a device name cannot hold
    /// (':' is the HTTP Basic separator, RFC 7617 §2; control characters) replaced by '-'. Its idevid value keeps the original.
    /// </summary>
    public static string DeviceNameFor(string identity)
    {
        var name = new string(identity.Trim().Select(c => c == ':' || char.IsControl(c) ? '-' : c).ToArray());
        return name.Length <= 128 ? name : name[..128];
    }

    public override string ToString() => $"{Presented}, anchor '{AnchorName}', identity '{IdentityValue}'";
}
