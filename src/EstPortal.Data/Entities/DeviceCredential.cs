namespace EstPortal.Data.Entities;

/// <summary>A server-generated secret a device presents as its Basic-auth password. Only its hash is stored.</summary>
public sealed class DeviceCredential
{
    public Guid Id { get; set; }
    public Guid DeviceId { get; set; }
    public Device? Device { get; set; }
    /// <summary>SHA-256 of the secret. Secrets have ≥128 bits of entropy, so no slow hash is needed.</summary>
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}
