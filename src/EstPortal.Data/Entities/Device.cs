namespace EstPortal.Data.Entities;

/// <summary>A device the fleet knows. Its name is the HTTP Basic user name of its credentials.</summary>
public sealed class Device
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>
    /// The subjectAltNames this device may ask for when it authenticates as itself: one pattern per line, each a regular
    /// expression, optionally typed (<c>dns:</c>, <c>ip:</c>, <c>uri:</c>, <c>email:</c>), where <c>{device}</c> stands for
    /// <see cref="Name"/>. Null or empty: no subjectAltName at all.
    /// </summary>
    public string? SubjectAltNamePatterns { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public List<DeviceCredential> Credentials { get; set; } = [];
    public List<IssuedCertificate> Certificates { get; set; } = [];
}
