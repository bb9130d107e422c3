using EstPortal.Data.Entities;

namespace EstPortal.Audit;

/// <summary>
/// Something that wants to hear about audit events once they are committed (e.g. the refusal webhook). Called on the
/// request's thread after the commit: an implementation must not block or throw — queue the work and return.
/// </summary>
public interface IAuditSink
{
    void Committed(AuditEvent auditEvent);

    /// <summary>Events committed together (e.g. one flush of refusal summaries); by default one by one.</summary>
    void CommittedAll(IReadOnlyList<AuditEvent> auditEvents)
    {
        foreach (var auditEvent in auditEvents)
            Committed(auditEvent);
    }
}
