namespace EstPortal.Data.Entities;

/// <summary>One row per decision: every enrollment attempt and every admin action. Append-only.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public required string EventType { get; set; }
    public required string Outcome { get; set; }
    /// <summary>Who acted: "operator:alice@example.com", "credential:&lt;device&gt;", "token:&lt;id&gt;", "certificate:&lt;serial&gt;".</summary>
    public string? Actor { get; set; }
    public string? ClientIp { get; set; }
    public string? Reason { get; set; }
    public string? SerialNumber { get; set; }
    public Guid? DeviceId { get; set; }
    public string? Details { get; set; }
    /// <summary>SHA-256 of the CSR a device sent, hex; lets an operator match a refusal to a device's log.</summary>
    public string? CsrSha256 { get; set; }
    /// <summary>Position in the hash chain: 1, 2, 3, … without gaps (unique).</summary>
    public long Sequence { get; set; }
    /// <summary>Hex SHA-256 over the previous event's hash and this event's fields (see Audit/AuditChain).</summary>
    public string Hash { get; set; } = "";
}

public static class AuditOutcomes
{
    public const string Success = "Success";
    public const string Failure = "Failure";
    /// <summary>Accepted for an operator's decision (RFC 7030 §4.2.3), not yet issued.</summary>
    public const string Pending = "Pending";
}
