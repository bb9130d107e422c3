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
    /// <summary>
    /// The value the device's manufacturer certificate (IEEE 802.1AR IDevID) names it by, as the profile's IDevID identity
    /// setting reads it (subject serialNumber, CN or a SAN URI); null: the device name itself.
    /// </summary>
    public string? Idevid { get; set; }
    /// <summary>The IDevID the device first authenticated with: issuer, serial, SHA-256 fingerprint and when (null: none yet).</summary>
    public string? IdevidIssuer { get; set; }
    public string? IdevidSerialNumber { get; set; }
    public string? IdevidSha256 { get; set; }
    public DateTimeOffset? IdevidFirstSeenAt { get; set; }
    /// <summary>The TPM endorsement key the device last enrolled with by TPM attestation: EK certificate issuer, serial, SHA-256 fingerprint.</summary>
    public string? TpmEkIssuer { get; set; }
    public string? TpmEkSerialNumber { get; set; }
    public string? TpmEkSha256 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public List<DeviceCredential> Credentials { get; set; } = [];
    public List<IssuedCertificate> Certificates { get; set; } = [];
}
