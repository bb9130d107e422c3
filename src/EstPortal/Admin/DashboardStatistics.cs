using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

public sealed record EnrollmentRefusal(DateTimeOffset Timestamp, string EventType, string? Actor, string? ClientIp, string? Reason, Guid? DeviceId);

public sealed record DashboardFigures(int Devices, int ValidCertificates, int ExpiringSoon, int EnrollmentsSucceeded,
    int EnrollmentsRefused, IReadOnlyList<EnrollmentRefusal> LatestRefusals);

/// <summary>
/// The dashboard's figures, each from an indexed range rather than a scan of the certificate table: "valid" is the
/// NotAfter index counted from now (index only) minus the revoked-and-unexpired rows found per CA through the
/// (CertificateAuthorityId, RevokedAt) index; enrollments come from the (EventType, Timestamp) index, one EST type at a time.
/// Figures are kept for <see cref="MaxAge"/>: the page renders twice (prerender, then the circuit) and several operators
/// may watch it, and none of them needs the count to the second.
/// </summary>
public sealed class DashboardStatistics(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    public static readonly TimeSpan ExpiringWithin = TimeSpan.FromDays(30);
    public static readonly TimeSpan EnrollmentWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private (DashboardFigures Figures, DateTimeOffset At)? _latest;

    public async Task<DashboardFigures> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_latest is { } latest && time.GetUtcNow() - latest.At < MaxAge)
            return latest.Figures;
        var figures = await ComputeAsync(cancellationToken);
        _latest = (figures, time.GetUtcNow());
        return figures;
    }

    private async Task<DashboardFigures> ComputeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var soon = now + ExpiringWithin;
        var since = now - EnrollmentWindow;
        var epoch = DateTimeOffset.UnixEpoch;

        var devices = await db.Devices.CountAsync(cancellationToken);
        var unexpired = await db.IssuedCertificates.CountAsync(c => c.NotAfter > now, cancellationToken);
        var expiring = await db.IssuedCertificates.CountAsync(c => c.NotAfter > now && c.NotAfter <= soon, cancellationToken);
        var caIds = await db.CertificateAuthorities.Select(ca => ca.Id).ToListAsync(cancellationToken);
        int revokedUnexpired = 0, revokedExpiring = 0;
        foreach (var caId in caIds)
        {
            // RevokedAt >= epoch rather than != null: a range SQLite can seek in the composite index.
            // One pass over the revoked rows (a few per cent of the table), both figures counted from it.
            var revoked = await db.IssuedCertificates.Where(c => c.CertificateAuthorityId == caId && c.RevokedAt >= epoch && c.NotAfter > now)
                .Select(c => c.NotAfter).ToListAsync(cancellationToken);
            revokedUnexpired += revoked.Count;
            revokedExpiring += revoked.Count(notAfter => notAfter <= soon);
        }

        int succeeded = 0, refused = 0;
        var refusals = new List<EnrollmentRefusal>();
        foreach (var type in AuditEventTypes.Enrollments)
        {
            var outcomes = await db.AuditEvents.Where(e => e.EventType == type && e.Timestamp >= since)
                .GroupBy(e => e.Outcome).Select(g => new { Outcome = g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken);
            succeeded += outcomes.Where(o => o.Outcome == AuditOutcomes.Success).Sum(o => o.Count);
            refused += outcomes.Where(o => o.Outcome == AuditOutcomes.Failure).Sum(o => o.Count);
            refusals.AddRange(await db.AuditEvents.AsNoTracking()
                .Where(e => e.EventType == type && e.Outcome == AuditOutcomes.Failure)
                .OrderByDescending(e => e.Timestamp).Take(10)
                .Select(e => new EnrollmentRefusal(e.Timestamp, e.EventType, e.Actor, e.ClientIp, e.Reason, e.DeviceId))
                .ToListAsync(cancellationToken));
        }

        return new DashboardFigures(devices, unexpired - revokedUnexpired, expiring - revokedExpiring, succeeded, refused,
            refusals.OrderByDescending(r => r.Timestamp).Take(10).ToList());
    }
}
