using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Audit;

/// <summary>
/// The one way events reach the audit table and the structured log. <see cref="Stage"/> adds an event to a unit of
/// work the caller commits (so an issuance and its audit row commit together); <see cref="RecordAsync"/> commits
/// on its own.
/// </summary>
public sealed class AuditLog(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time, ILogger<AuditLog> logger)
{
    public void Stage(EstPortalDbContext db, AuditRecord record)
    {
        db.AuditEvents.Add(ToEntity(record));
        Log(record);
    }

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        Stage(db, record);
        await db.SaveChangesAsync(cancellationToken);
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

    private void Log(AuditRecord r) =>
        logger.LogInformation(
            "Audit {EventType} {Outcome} actor={Actor} ip={ClientIp} serial={Serial} reason={Reason}",
            r.EventType, r.OutcomeText, r.Actor, r.ClientIp, r.SerialNumber, r.Reason);

    // Values such as Basic-auth user names come from the network; the audit row must not fail because of their length.
    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
