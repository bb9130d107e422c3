namespace EstPortal.Data.Entities;

/// <summary>
/// A key an automation system sends as <c>Authorization: Bearer</c> to /api/v1. It acts with one operator role; only the
/// SHA-256 of the key is stored (the key is shown once when created).
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    /// <summary>Unique; the audit log names the key's calls "apikey:NAME".</summary>
    public required string Name { get; set; }
    /// <summary>One of <see cref="OperatorRoles"/>.</summary>
    public required string Role { get; set; }
    /// <summary>SHA-256 of the whole key, upper-case hex.</summary>
    public required string KeyHash { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Written at most once a minute per key and instance, not per request.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
