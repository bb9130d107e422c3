using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>
/// Where the previous page of a time-ordered list ended: its last row's time, and how many rows with exactly that
/// time it already returned (rows are ordered newest first, then by id). A page starts at rows no newer than the
/// time and skips only those few ties, so rows inserted meanwhile (newer) neither repeat nor hide a row of a later page.
/// </summary>
public sealed record TimePosition(long UtcTicks, int Ties);

/// <summary>
/// Where the previous page of a subject search ended: the last row's subject and serial (the list is ordered by both),
/// and the normalized prefix searched for, so a position is never applied to another search (ADR 0026).
/// </summary>
public sealed record SubjectPosition(string Prefix, string Subject, string SerialNumber);

/// <summary>A page of a list read by position (keyset), with where the next page starts (null: this was the last).</summary>
public sealed record KeysetPage<T, TPosition>(IReadOnlyList<T> Items, TPosition? Next) where TPosition : class;

/// <summary>
/// Lists for the automation API, paged by position rather than by offset: at 100,000 devices or 1,000,000 certificates
/// an OFFSET costs the rows it skips and shifts when rows are added; a position in an index does neither (ADR 0020).
/// Filters are the portal's own (<see cref="DeviceSearch"/>, <see cref="BootstrapTokenAdmin"/>, <see cref="CertificateAdmin"/>,
/// <see cref="AuditQuery"/>).
/// </summary>
public sealed class KeysetPages(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    public const int MaxTake = 200;

    /// <summary>Devices by name (the unique index); <paramref name="afterName"/> is the previous page's last name.</summary>
    public async Task<KeysetPage<DeviceSummary, string>> DevicesAsync(string? search, string? afterName, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = await DeviceSearch.MatchingAsync(db, search, cancellationToken);
        if (afterName is not null)
            query = query.Where(d => d.Name.CompareTo(afterName) > 0);
        var rows = await query.OrderBy(d => d.Name).Take(take + 1)
            .Select(d => new { d.Id, d.Name, d.Description, d.Disabled, d.CreatedAt })
            .ToListAsync(cancellationToken);
        var page = rows.Take(take).ToList();
        var ids = page.Select(r => (Guid?)r.Id).ToList();
        var counts = ids.Count == 0
            ? []
            : await db.IssuedCertificates.AsNoTracking().Where(c => ids.Contains(c.DeviceId))
                .GroupBy(c => c.DeviceId).Select(g => new { Id = g.Key!.Value, Count = g.Count() })
                .ToDictionaryAsync(g => g.Id, g => g.Count, cancellationToken);
        var items = page.Select(r => new DeviceSummary(r.Id, r.Name, r.Description, r.Disabled, r.CreatedAt, counts.GetValueOrDefault(r.Id))).ToList();
        return new(items, rows.Count > take ? page[^1].Name : null);
    }

    /// <summary>Tokens in a state, newest first.</summary>
    public async Task<KeysetPage<BootstrapTokenRow, TimePosition>> TokensAsync(TokenStateFilter state, TimePosition? after, int take,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var query = BootstrapTokenAdmin.InState(db.BootstrapTokens.AsNoTracking(), state, now);
        var at = after is null ? FirstPageBound(now) : new DateTimeOffset(after.UtcTicks, TimeSpan.Zero);
        query = query.Where(t => t.CreatedAt <= at);
        var rows = await BootstrapTokenAdmin.ToRows(db, query.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id).Skip(after?.Ties ?? 0).Take(take + 1))
            .ToListAsync(cancellationToken);
        return Paged(rows, take, after, r => r.CreatedAt);
    }

    /// <summary>Certificates matching the portal's search, newest issuance first.</summary>
    public async Task<KeysetPage<CertificateListItem, TimePosition>> CertificatesAsync(CertificateQuery request, TimePosition? after, int take,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (await CertificateAdmin.FilterAsync(db, request, now, cancellationToken) is not { } query)
            return new([], null);
        var at = after is null ? FirstPageBound(now) : new DateTimeOffset(after.UtcTicks, TimeSpan.Zero);
        query = query.Where(c => c.IssuedAt <= at);
        var rows = await query.OrderByDescending(c => c.IssuedAt).ThenBy(c => c.Id).Skip(after?.Ties ?? 0).Take(take + 1)
            .Select(CertificateAdmin.AsListItem)
            .ToListAsync(cancellationToken);
        return Paged(rows, take, after, r => r.IssuedAt);
    }

    /// <summary>
    /// Certificates whose subject starts with the query's prefix (with its other filters), by subject then serial: the
    /// (Subject, SerialNumber) index is the range and the order, so a page costs its rows however many subjects share
    /// the prefix, where newest-first had to pass over the newer certificates of other subjects (ADR 0026). A row
    /// inserted meanwhile sorts before or after the position, so it neither repeats nor hides one of a later page.
    /// </summary>
    public async Task<KeysetPage<CertificateListItem, SubjectPosition>> CertificatesBySubjectAsync(CertificateQuery request, SubjectPosition? after,
        int take, CancellationToken cancellationToken = default)
    {
        var prefix = CertificateAdmin.NormalizeSubjectPrefix(request.SubjectPrefix ?? "");
        if (after is not null && after.Prefix != prefix)
            throw new ArgumentException("The position belongs to another subject search.", nameof(after));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await CertificateAdmin.FilterAsync(db, request, time.GetUtcNow(), cancellationToken, orderedBySubject: true) is not { } query)
            return new([], null);
        if (after is not null)
        {
            // A range on the index (Subject >= last) and, among the last subject's rows, only the serials after the last.
            query = query.Where(c => c.Subject.CompareTo(after.Subject) >= 0
                && (c.Subject != after.Subject || c.SerialNumber.CompareTo(after.SerialNumber) > 0));
        }
        var rows = await query.OrderBy(c => c.Subject).ThenBy(c => c.SerialNumber).Take(take + 1)
            .Select(CertificateAdmin.AsListItem)
            .ToListAsync(cancellationToken);
        var page = rows.Take(take).ToList();
        return new(page, rows.Count > take ? new SubjectPosition(prefix, page[^1].Subject, page[^1].SerialNumber) : null);
    }

    /// <summary>
    /// Audit events matching the portal's filter, newest first (by time, then id): the (EventType, Timestamp) and
    /// Timestamp indexes serve both the filter and the order, so a page stops after its rows.
    /// </summary>
    public async Task<KeysetPage<AuditRow, TimePosition>> AuditAsync(AuditFilter filter, TimePosition? after, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await AuditQuery.FilterAsync(db, filter, cancellationToken) is not { } query)
            return new([], null);
        var at = after is null ? FirstPageBound(time.GetUtcNow()) : new DateTimeOffset(after.UtcTicks, TimeSpan.Zero);
        var rows = await query.Where(e => e.Timestamp <= at).OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .Skip(after?.Ties ?? 0).Take(take + 1).ToListAsync(cancellationToken);
        var page = await AuditQuery.WithDeviceNamesAsync(db, rows.Take(take).ToList(), cancellationToken);
        var paged = Paged(rows, take, after, e => e.Timestamp);
        return new(page, paged.Next);
    }

    /// <summary>
    /// The first page is bounded too (a day past now, beyond any clock skew between instances): with a range on the
    /// ordering column, SQLite walks that index and stops after a page; without it, a state filter (NotAfter &gt; now)
    /// made it read a third of a million rows by NotAfter and sort them (measured 1.2 s at 1,000,000 certificates).
    /// </summary>
    private static DateTimeOffset FirstPageBound(DateTimeOffset now) => now.AddDays(1);

    private static KeysetPage<T, TimePosition> Paged<T>(List<T> rows, int take, TimePosition? after, Func<T, DateTimeOffset> timeOf)
    {
        var page = rows.Take(take).ToList();
        if (rows.Count <= take)
            return new(page, null);
        var last = timeOf(page[^1]).UtcTicks;
        var ties = page.Count(r => timeOf(r).UtcTicks == last) + (after?.UtcTicks == last ? after.Ties : 0);
        return new(page, new TimePosition(last, ties));
    }
}
