using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Audit;

/// <summary>
/// The one way events reach the audit table and the structured log. <see cref="Stage"/> adds an event to a unit of
/// work the caller commits (so an issuance and its audit row commit together); <see cref="RecordAsync"/> commits
/// on its own and then tells the <see cref="IAuditSink"/>s. Staged events reach no sink: their commit belongs to the
/// caller, and they are issuances and admin actions, not the refusals sinks watch for.
/// </summary>
public sealed class AuditLog(
    IDbContextFactory<EstPortalDbContext> contexts,
    TimeProvider time,
    ILogger<AuditLog> logger,
    IEnumerable<IAuditSink> sinks)
{
    private readonly IAuditSink[] _sinks = sinks.ToArray();

    public void Stage(EstPortalDbContext db, AuditRecord record) => Add(db, record);

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = Add(db, record);
        await db.SaveChangesAsync(cancellationToken);
        Notify(entity);
    }

    /// <summary>Several events in one transaction (one chain-head update), then the sinks hear of them together.</summary>
    public async Task RecordAllAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entities = records.Select(r => Add(db, r)).ToList();
        await db.SaveChangesAsync(cancellationToken);
        foreach (var sink in _sinks)
        {
            try
            {
                sink.CommittedAll(entities);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Audit sink {Sink} failed for {Count} events", sink.GetType().Name, entities.Count);
            }
        }
    }

    /// <summary>
    /// The structured log line only, for a refusal counted in <see cref="RefusalTally"/> instead of written (ADR 0014):
    /// a log line carries the request's trace id and costs no chained transaction.
    /// </summary>
    public void LogOnly(AuditRecord record) => Log(record);

    private AuditEvent Add(EstPortalDbContext db, AuditRecord record)
    {
        var entity = ToEntity(record);
        db.AuditEvents.Add(entity);
        Log(record);
        return entity;
    }

    private void Notify(AuditEvent committed)
    {
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Committed(committed);
            }
            catch (Exception ex)
            {
                // The event is committed; a failing sink must not turn that into an error for the caller.
                logger.LogWarning(ex, "Audit sink {Sink} failed for event {EventType}", sink.GetType().Name, committed.EventType);
            }
        }
    }

    private AuditEvent ToEntity(AuditRecord r) => new()
    {
        Timestamp = AuditChain.Normalize(time.GetUtcNow()),
        EventType = r.EventType,
        Outcome = r.OutcomeText,
        Actor = Truncate(r.Actor, 256),
        ClientIp = Truncate(r.ClientIp, 64),
        Reason = Truncate(r.Reason, 1024),
        SerialNumber = r.SerialNumber,
        DeviceId = r.DeviceId,
        Details = Truncate(r.Details, 4096),
        CsrSha256 = r.CsrSha256,
    };

    private static readonly EventId AuditEventId = new(194687452, "LogAudit");

    // On every enrollment: the level is checked before the line is built.
    private void Log(AuditRecord r)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.Log(LogLevel.Information, AuditEventId, new AuditLogLine(r), null, AuditLogLine.Format);
    }

    // Values such as Basic-auth user names come from the network; the audit row must not fail because of their length.
    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
