using EstPortal.Data.Entities;

namespace EstPortal.Audit;

/// <summary>What happened, as the caller knows it; <see cref="AuditLog"/> adds the time.</summary>
public sealed record AuditRecord(
    string EventType,
    bool Succeeded,
    string? Actor = null,
    string? ClientIp = null,
    string? Reason = null,
    string? SerialNumber = null,
    Guid? DeviceId = null,
    string? Details = null,
    string? Outcome = null,
    string? CsrSha256 = null)
{
    /// <summary>Success or Failure from <see cref="Succeeded"/>, unless a more specific outcome (Pending) is given.</summary>
    public string OutcomeText => Outcome ?? (Succeeded ? AuditOutcomes.Success : AuditOutcomes.Failure);
}
