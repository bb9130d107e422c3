namespace EstPortal.Data.Entities;

public static class PendingStatus
{
    public const string Pending = "Pending";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    /// <summary>Approved and then fetched by the client's retry: the certificate left the server.</summary>
    public const string Issued = "Issued";
}

/// <summary>
/// A request waiting for an operator (RFC 7030 §4.2.3: 202 + Retry-After). Stored once per requester and CSR (its
/// SHA-256), so a client's retries of the same request find the same row instead of queueing duplicates, and what an
/// operator approves is exactly the CSR stored here: only these bytes are ever issued from it (ADR 0013). Another CSR,
/// even with the same key, is another row.
/// </summary>
public sealed class PendingEnrollment
{
    public Guid Id { get; set; }
    public Guid ProfileId { get; set; }
    public EnrollmentProfile? Profile { get; set; }
    /// <summary>The operation that was asked for: simpleenroll, simplereenroll or serverkeygen.</summary>
    public required string Operation { get; set; }
    /// <summary>Who asked, as the audit log names them ("token:…", "credential:…", "certificate:…").</summary>
    public required string RequesterKey { get; set; }
    public Guid? DeviceId { get; set; }
    public Device? Device { get; set; }
    public Guid? TokenId { get; set; }
    public Guid? ReplacesCertificateId { get; set; }
    /// <summary>The CSR the operator is shown and approves, as received (DER).</summary>
    public required byte[] CsrDer { get; set; }
    /// <summary>
    /// Lower-case hex SHA-256 of <see cref="CsrDer"/>, the same value the audit log records for the request. Rows from
    /// before this column carry "legacy:" + their id until the start-up backfill replaces it.
    /// </summary>
    public required string CsrSha256 { get; set; }
    public required string PublicKeySha256 { get; set; }
    public required string Subject { get; set; }
    public string? ClientIp { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public required string Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionReason { get; set; }
    public string? IssuedSerial { get; set; }
}
