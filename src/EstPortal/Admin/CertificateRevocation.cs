using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>Told after certificates of a CA were revoked, e.g. to publish a fresh CRL at once.</summary>
public interface IRevocationListener
{
    Task CertificatesRevokedAsync(Guid certificateAuthorityId, CancellationToken cancellationToken);
}

/// <summary>
/// Revokes issued certificates (RFC 5280 §5.3.1 reasons) for the portal, the admin commands and device disabling.
/// The revocation is one database update, so every instance refuses the certificate for re-enrollment at once;
/// listeners (CRL publishing) are told afterwards.
/// </summary>
public sealed class CertificateRevocation(
    IDbContextFactory<EstPortalDbContext> contexts,
    IEnumerable<IRevocationListener> listeners,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<AdminResult<string>> RevokeAsync(string serialHex, RevocationReason reason, string actor, CancellationToken cancellationToken = default)
    {
        if (reason == RevocationReason.RemoveFromCrl)
            return AdminResult<string>.Fail("removeFromCRL is only meaningful in delta CRLs (RFC 5280 §5.3.1).");
        var serial = serialHex.Trim().Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var certificate = await db.IssuedCertificates.FirstOrDefaultAsync(c => c.SerialNumber == serial, cancellationToken);
        if (certificate is null)
            return AdminResult<string>.NotFound($"No certificate has serial {serial}.");
        if (certificate.RevokedAt is not null)
            return AdminResult<string>.Conflict($"Certificate {serial} was already revoked at {certificate.RevokedAt:u}.");

        certificate.RevokedAt = time.GetUtcNow();
        certificate.RevocationReason = (int)reason;
        certificate.RevokedBy = actor;
        audit.Stage(db, new AuditRecord(AuditEventTypes.CertificateRevoked, true, actor, SerialNumber: serial, DeviceId: certificate.DeviceId,
            Reason: reason.ToRfcName(), Details: certificate.Subject));
        await db.SaveChangesAsync(cancellationToken);
        await NotifyAsync(certificate.CertificateAuthorityId, cancellationToken);
        return AdminResult<string>.Ok(serial);
    }

    /// <summary>Every unrevoked certificate of a device (e.g. when it is disabled or lost); returns how many.</summary>
    public async Task<int> RevokeAllOfDeviceAsync(Guid deviceId, RevocationReason reason, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var certificates = await db.IssuedCertificates.Where(c => c.DeviceId == deviceId && c.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var certificate in certificates)
        {
            certificate.RevokedAt = now;
            certificate.RevocationReason = (int)reason;
            certificate.RevokedBy = actor;
            audit.Stage(db, new AuditRecord(AuditEventTypes.CertificateRevoked, true, actor, SerialNumber: certificate.SerialNumber,
                DeviceId: deviceId, Reason: reason.ToRfcName(), Details: certificate.Subject));
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var caId in certificates.Select(c => c.CertificateAuthorityId).Distinct())
            await NotifyAsync(caId, cancellationToken);
        return certificates.Count;
    }

    private async Task NotifyAsync(Guid certificateAuthorityId, CancellationToken cancellationToken)
    {
        foreach (var listener in listeners)
            await listener.CertificatesRevokedAsync(certificateAuthorityId, cancellationToken);
    }
}
