using System.Globalization;
using System.Text;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>
/// What the audit log page (and its CSV export) filters by. Each filter is an equality or a range on an indexed
/// column (Timestamp, (EventType, Timestamp), Actor, DeviceId), so a large log stays fast.
/// </summary>
public sealed record AuditFilter
{
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    /// <summary>Exact actor ("operator:alice@example.com", "token:…"), or a prefix ending in '*' ("operator:*").</summary>
    public string? Actor { get; init; }
    /// <summary>A device's name; resolved to its id (the indexed column).</summary>
    public string? Device { get; init; }
    public string? EventType { get; init; }
    public string? Outcome { get; init; }
    /// <summary>Oldest first when false (the default is newest first).</summary>
    public bool OldestFirst { get; init; }

    /// <summary>The filter as a query string, for the CSV link: the export is exactly what the page shows.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
        }
        Add("from", From?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
        Add("to", To?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
        Add("actor", Actor);
        Add("device", Device);
        Add("type", EventType);
        Add("outcome", Outcome);
        if (OldestFirst)
            parts.Add("order=asc");
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public static AuditFilter FromQuery(Func<string, string?> get) => new()
    {
        From = ParseTime(get("from")),
        To = ParseTime(get("to")),
        Actor = NullIfBlank(get("actor")),
        Device = NullIfBlank(get("device")),
        EventType = NullIfBlank(get("type")),
        Outcome = NullIfBlank(get("outcome")),
        OldestFirst = get("order") == "asc",
    };

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed record AuditRow(long Id, long Sequence, DateTimeOffset Timestamp, string EventType, string Outcome, string? Actor, string? ClientIp,
    string? Reason, string? SerialNumber, Guid? DeviceId, string? DeviceName, string? Details);

/// <summary>Reads the audit log for the portal: filtered pages, and the CSV export of a filter.</summary>
public sealed class AuditQuery(IDbContextFactory<EstPortalDbContext> contexts)
{
    public const int MaxExportRows = 100_000;

    public async Task<(IReadOnlyList<AuditRow> Items, int Total)> PageAsync(AuditFilter filter, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, cancellationToken);
        if (query is null)
            return ([], 0);
        var total = await query.CountAsync(cancellationToken);
        var rows = await Order(query, filter).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (await WithDeviceNamesAsync(db, rows, cancellationToken), total);
    }

    /// <summary>Streams the filtered log as RFC 4180 CSV (CRLF line ends, quoted where needed), newest first unless asked.</summary>
    public async Task WriteCsvAsync(AuditFilter filter, Stream output, CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync("sequence,timestamp_utc,event_type,outcome,actor,client_ip,device_id,serial_number,reason,details");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, cancellationToken);
        if (query is not null)
        {
            await foreach (var e in Order(query, filter).Take(MaxExportRows).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                await writer.WriteLineAsync(string.Join(',',
                    e.Sequence.ToString(CultureInfo.InvariantCulture),
                    e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
                    Csv(e.EventType), Csv(e.Outcome), Csv(e.Actor), Csv(e.ClientIp), Csv(e.DeviceId?.ToString()),
                    Csv(e.SerialNumber), Csv(e.Reason), Csv(e.Details)));
            }
        }
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>RFC 4180 §2: a field with a comma, quote or line break is quoted, and quotes inside are doubled.</summary>
    public static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public async Task<IReadOnlyList<string>> ActorsAsync(string? prefix, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEvents.AsNoTracking().Where(e => e.Actor != null);
        if (!string.IsNullOrWhiteSpace(prefix))
            query = query.Where(e => e.Actor != null && e.Actor.StartsWith(prefix));
        return await query.Select(e => e.Actor ?? "").Distinct().OrderBy(a => a).Take(take).ToListAsync(cancellationToken);
    }

    internal static async Task<IQueryable<AuditEvent>?> FilterAsync(EstPortalDbContext db, AuditFilter filter, CancellationToken cancellationToken)
    {
        IQueryable<AuditEvent> query = db.AuditEvents.AsNoTracking();
        if (filter.From is { } from)
            query = query.Where(e => e.Timestamp >= from);
        if (filter.To is { } to)
            query = query.Where(e => e.Timestamp <= to);
        if (filter.EventType is { } type)
            query = query.Where(e => e.EventType == type);
        if (filter.Outcome is { } outcome)
            query = query.Where(e => e.Outcome == outcome);
        if (filter.Actor is { } actor)
        {
            if (actor.EndsWith('*'))
            {
                var prefix = actor[..^1];
                query = query.Where(e => e.Actor != null && e.Actor.StartsWith(prefix));
            }
            else
            {
                query = query.Where(e => e.Actor == actor);
            }
        }
        if (filter.Device is { } deviceName)
        {
            var deviceId = await db.Devices.Where(d => d.Name == deviceName).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(cancellationToken);
            if (deviceId is null)
                return null;
            query = query.Where(e => e.DeviceId == deviceId);
        }
        return query;
    }

    private static IQueryable<AuditEvent> Order(IQueryable<AuditEvent> query, AuditFilter filter) =>
        filter.OldestFirst ? query.OrderBy(e => e.Timestamp).ThenBy(e => e.Id) : query.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id);

    internal static async Task<IReadOnlyList<AuditRow>> WithDeviceNamesAsync(EstPortalDbContext db, List<AuditEvent> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.DeviceId).OfType<Guid>().Distinct().ToList();
        var names = ids.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Devices.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        return rows.Select(e => new AuditRow(e.Id, e.Sequence, e.Timestamp, e.EventType, e.Outcome, e.Actor, e.ClientIp, e.Reason, e.SerialNumber,
            e.DeviceId, e.DeviceId is { } id && names.TryGetValue(id, out var name) ? name : null, e.Details)).ToList();
    }
}
