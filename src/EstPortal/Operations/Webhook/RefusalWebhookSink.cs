using EstPortal.Audit;
using EstPortal.Data.Entities;

namespace EstPortal.Operations.Webhook;

/// <summary>Turns each committed refusal of an EST enrollment into an <c>enrollment.refused</c> webhook.</summary>
internal sealed class RefusalWebhookSink(WebhookDispatcher dispatcher) : IAuditSink
{
    public void Committed(AuditEvent auditEvent)
    {
        if (auditEvent.Outcome != AuditOutcomes.Failure || !IsEnrollment(auditEvent.EventType))
            return;
        dispatcher.TryEnqueue(WebhookMessage.For(
            new EnrollmentRefusedEvent(auditEvent.Reason, auditEvent.Actor, auditEvent.ClientIp, auditEvent.Timestamp)));
    }

    private static bool IsEnrollment(string eventType) =>
        eventType is AuditEventTypes.Enroll or AuditEventTypes.Reenroll or AuditEventTypes.ServerKeyGen;
}
