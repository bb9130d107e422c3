namespace EstPortal.Data.Entities;

/// <summary>A device the fleet knows. Its name is the HTTP Basic user name of its credentials.</summary>
public sealed class Device
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public List<DeviceCredential> Credentials { get; set; } = [];
    public List<IssuedCertificate> Certificates { get; set; } = [];
}
