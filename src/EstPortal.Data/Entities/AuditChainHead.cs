namespace EstPortal.Data.Entities;

/// <summary>
/// The tip of the audit hash chain: one row. Appending an event reads and advances it inside the same transaction,
/// so events are chained in one order even with several writers, and a removed last event is detectable.
/// </summary>
public sealed class AuditChainHead
{
    public const int SingletonId = 1;
    public int Id { get; set; } = SingletonId;
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
    /// <summary>
    /// The chain's HMAC key, protected with Data Protection (whose key ring the key-encryption key protects): someone
    /// who can write the database but lacks that key cannot re-chain edited events.
    /// </summary>
    public byte[]? ProtectedKey { get; set; }
}
