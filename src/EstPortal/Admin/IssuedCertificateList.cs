using EstPortal.Data;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>Where a certificate stands for an operator: usable, revoked (and why), or past its notAfter.</summary>
public sealed record IssuedCertificateRow(string SerialNumber, string Subject, DateTimeOffset NotAfter, string? DeviceName,
    DateTimeOffset? RevokedAt, RevocationReason? Reason)
{
    public string StateAt(DateTimeOffset now) =>
        RevokedAt is not null ? $"revoked:{(Reason ?? RevocationReason.Unspecified).ToRfcName()}"
        : NotAfter <= now ? "expired"
        : "valid";
}

/// <summary>Issued certificates for the admin commands, newest first, optionally of one device.</summary>
public sealed class IssuedCertificateList(IDbContextFactory<EstPortalDbContext> contexts)
{
    public async Task<IReadOnlyList<IssuedCertificateRow>> ListAsync(Guid? deviceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.IssuedCertificates.AsNoTracking();
        if (deviceId is { } id)
            query = query.Where(c => c.DeviceId == id);
        // IssuedAt is stored as UTC ticks, so SQLite can order by it.
        var rows = await query.OrderByDescending(c => c.IssuedAt)
            .Select(c => new { c.SerialNumber, c.Subject, c.NotAfter, DeviceName = c.Device != null ? c.Device.Name : null, c.RevokedAt, c.RevocationReason })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new IssuedCertificateRow(r.SerialNumber, r.Subject, r.NotAfter, r.DeviceName, r.RevokedAt,
            r.RevocationReason is { } code ? (RevocationReason)code : null)).ToList();
    }
}
