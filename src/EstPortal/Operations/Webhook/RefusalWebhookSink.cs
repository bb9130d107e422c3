using EstPortal.Audit;
using EstPortal.Data.Entities;

namespace EstPortal.Operations.Webhook;

/// <summary>
/// Turns each committed refusal of an EST enrollment by a recognised caller into an <c>enrollment.refused</c> webhook,
/// and each flush of refusal summaries (unauthenticated requests, rate limits; at most one flush per window) into one
/// <c>enrollment.refusals-summarized</c> webhook: a flood costs the receiver one POST per window, not one per request.
/// </summary>
internal sealed class RefusalWebhookSink(WebhookDispatcher dispatcher) : IAuditSink
{
    // The addresses with most refusals; the total covers all of them.
    private const int MaxAddressesPerSummary = 20;

    public void Committed(AuditEvent auditEvent)
    {
        if (auditEvent.Outcome != AuditOutcomes.Failure || !IsEnrollment(auditEvent.EventType))
            return;
        dispatcher.TryEnqueue(WebhookMessage.For(
            new EnrollmentRefusedEvent(auditEvent.Reason, auditEvent.Actor, auditEvent.ClientIp, auditEvent.Timestamp)));
    }

    public void CommittedAll(IReadOnlyList<AuditEvent> auditEvents)
    {
        var summaries = auditEvents.Where(e => e.EventType == AuditEventTypes.RefusalsSummarized).ToList();
        foreach (var auditEvent in auditEvents.Except(summaries))
            Committed(auditEvent);
        if (summaries.Count == 0)
            return;
        var addresses = summaries
            .Select(s => new RefusalsFromAddress(s.ClientIp, RefusalSummary.CountIn(s.Reason), s.Reason))
            .OrderByDescending(a => a.Count)
            .ToList();
        dispatcher.TryEnqueue(WebhookMessage.For(new RefusalsSummarizedEvent(
            addresses.Sum(a => a.Count), addresses.Count, addresses.Take(MaxAddressesPerSummary).ToList(), summaries.Max(s => s.Timestamp))));
    }

    private static bool IsEnrollment(string eventType) =>
        eventType is AuditEventTypes.Enroll or AuditEventTypes.Reenroll or AuditEventTypes.ServerKeyGen;
}
