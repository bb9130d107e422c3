using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>One bucket of EST activity: issued (or re-issued) certificates and refused requests.</summary>
public sealed record ActivityPoint(DateTimeOffset Start, long Enrolled, long Refused);

public sealed record WeekCount(DateTimeOffset WeekStart, int Count);

public sealed record NamedCount(string Name, int Count);

public sealed record DashboardTrendFigures(
    IReadOnlyList<ActivityPoint> Hourly,
    IReadOnlyList<ActivityPoint> Daily,
    IReadOnlyList<WeekCount> ExpiringPerWeek,
    IReadOnlyList<NamedCount> IssuedPerProfile,
    IReadOnlyList<NamedCount> IssuedPerCa);

/// <summary>
/// The dashboard's charts: EST activity over the last 7 days (UTC hours and days), unrevoked certificates expiring
/// per week over the next 13 weeks, and issuance per profile and per CA over the last 30 days. Each comes from an
/// indexed range — audit events by (EventType, Timestamp), certificates by NotAfter and IssuedAt, revoked ones by
/// (CertificateAuthorityId, RevokedAt) — so the cost follows the week's activity and the month's issuance, not the
/// size of the tables. Refusals include those counted in refusal summaries (ADR 0014). Kept as long as the
/// dashboard's figures (<see cref="DashboardStatistics.MaxAge"/>): the page renders twice, and the charts must not
/// contradict the figures beside them.
/// </summary>
public sealed class DashboardTrends(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    public const int Days = 7;
    public const int ExpiryWeeks = 13;
    public static readonly TimeSpan IssuanceWindow = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxAge = DashboardStatistics.MaxAge;
    public const string WithoutProfile = "(none)";

    private (DashboardTrendFigures Figures, DateTimeOffset At)? _latest;

    public async Task<DashboardTrendFigures> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_latest is { } latest && time.GetUtcNow() - latest.At < MaxAge)
            return latest.Figures;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var (hourly, daily) = await ActivityAsync(db, now, cancellationToken);
        var (perProfile, perCa) = await IssuanceAsync(db, now, cancellationToken);
        var figures = new DashboardTrendFigures(hourly, daily, await ExpiringPerWeekAsync(db, now, cancellationToken), perProfile, perCa);
        _latest = (figures, now);
        return figures;
    }

    private static async Task<(IReadOnlyList<ActivityPoint>, IReadOnlyList<ActivityPoint>)> ActivityAsync(
        EstPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var utcNow = now.ToUniversalTime();
        var today = new DateTimeOffset(utcNow.Date, TimeSpan.Zero);
        var thisHour = today.AddHours(utcNow.Hour);
        var firstDay = today.AddDays(1 - Days);
        var firstHour = thisHour.AddHours(1 - Days * 24);
        var enrolledPerHour = new long[Days * 24];
        var refusedPerHour = new long[Days * 24];
        var enrolledPerDay = new long[Days];
        var refusedPerDay = new long[Days];

        void Count(DateTimeOffset at, long enrolled, long refused)
        {
            var day = (int)Math.Floor((at - firstDay).TotalDays);
            if (day is >= 0 and < Days)
            {
                enrolledPerDay[day] += enrolled;
                refusedPerDay[day] += refused;
            }
            var hour = (int)Math.Floor((at - firstHour).TotalHours);
            if (hour is >= 0 and < Days * 24)
            {
                enrolledPerHour[hour] += enrolled;
                refusedPerHour[hour] += refused;
            }
        }

        foreach (var type in AuditEventTypes.Enrollments)
        {
            var events = await db.AuditEvents.AsNoTracking().Where(e => e.EventType == type && e.Timestamp >= firstDay)
                .Select(e => new { e.Timestamp, e.Outcome }).ToListAsync(cancellationToken);
            foreach (var e in events)
                Count(e.Timestamp, e.Outcome == AuditOutcomes.Success ? 1 : 0, e.Outcome == AuditOutcomes.Failure ? 1 : 0);
        }
        var summaries = await db.AuditEvents.AsNoTracking().Where(e => e.EventType == AuditEventTypes.RefusalsSummarized && e.Timestamp >= firstDay)
            .Select(e => new { e.Timestamp, e.Reason }).ToListAsync(cancellationToken);
        foreach (var summary in summaries)
            Count(summary.Timestamp, 0, RefusalSummary.CountIn(summary.Reason));

        return (
            Enumerable.Range(0, Days * 24).Select(i => new ActivityPoint(firstHour.AddHours(i), enrolledPerHour[i], refusedPerHour[i])).ToList(),
            Enumerable.Range(0, Days).Select(i => new ActivityPoint(firstDay.AddDays(i), enrolledPerDay[i], refusedPerDay[i])).ToList());
    }

    private static async Task<IReadOnlyList<WeekCount>> ExpiringPerWeekAsync(EstPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var horizon = now.AddDays(7 * ExpiryWeeks);
        var epoch = DateTimeOffset.UnixEpoch;
        var weeks = new int[ExpiryWeeks];
        for (var week = 0; week < ExpiryWeeks; week++)
        {
            var from = now.AddDays(7 * week);
            var to = from.AddDays(7);
            weeks[week] = await db.IssuedCertificates.CountAsync(c => c.NotAfter > from && c.NotAfter <= to, cancellationToken);
        }
        // Revoked certificates will not be renewed: taken out per CA through the (CertificateAuthorityId, RevokedAt) index.
        foreach (var caId in await db.CertificateAuthorities.Select(ca => ca.Id).ToListAsync(cancellationToken))
        {
            var revoked = await db.IssuedCertificates
                .Where(c => c.CertificateAuthorityId == caId && c.RevokedAt >= epoch && c.NotAfter > now && c.NotAfter <= horizon)
                .Select(c => c.NotAfter).ToListAsync(cancellationToken);
            foreach (var notAfter in revoked)
                weeks[Math.Min(ExpiryWeeks - 1, (int)Math.Ceiling((notAfter - now).TotalDays / 7) - 1)]--;
        }
        return Enumerable.Range(0, ExpiryWeeks).Select(i => new WeekCount(now.AddDays(7 * i), weeks[i])).ToList();
    }

    private static async Task<(IReadOnlyList<NamedCount>, IReadOnlyList<NamedCount>)> IssuanceAsync(
        EstPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - IssuanceWindow;
        var groups = await db.IssuedCertificates.Where(c => c.IssuedAt >= since)
            .GroupBy(c => new { c.ProfileId, c.CertificateAuthorityId })
            .Select(g => new { g.Key.ProfileId, g.Key.CertificateAuthorityId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var profiles = await db.EnrollmentProfiles.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var cas = await db.CertificateAuthorities.AsNoTracking().ToDictionaryAsync(ca => ca.Id, ca => ca.Name, cancellationToken);

        static IReadOnlyList<NamedCount> Sum(IEnumerable<(string Name, int Count)> rows) =>
            rows.GroupBy(r => r.Name).Select(g => new NamedCount(g.Key, g.Sum(r => r.Count))).OrderByDescending(n => n.Count).ThenBy(n => n.Name).ToList();

        return (
            Sum(groups.Select(g => (g.ProfileId is { } id && profiles.TryGetValue(id, out var name) ? name : WithoutProfile, g.Count))),
            Sum(groups.Select(g => (cas.GetValueOrDefault(g.CertificateAuthorityId, "?"), g.Count))));
    }
}
