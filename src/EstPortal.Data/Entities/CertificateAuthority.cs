namespace EstPortal.Data.Entities;

/// <summary>
/// A CA that issues device certificates. Its key lives where <see cref="KeyStore"/> says: "software" keys are stored
/// only as a Data Protection payload (<see cref="ProtectedPrivateKey"/>) that nothing but the software signer decrypts;
/// "pkcs11" keys stay in an HSM token and the row holds only their <see cref="KeyReference"/>.
/// </summary>
public sealed class CertificateAuthority
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Subject { get; set; }
    public required byte[] CertificateDer { get; set; }
    /// <summary>PKCS#8 private key protected with ASP.NET Core Data Protection; empty when the key is in an HSM.</summary>
    public required byte[] ProtectedPrivateKey { get; set; }
    /// <summary>Which CA key backend holds the key: "software" or "pkcs11".</summary>
    public string KeyStore { get; set; } = "software";
    /// <summary>Where the key is in its store: a pkcs11: URI (RFC 7512) naming token, label and id; never a PIN.</summary>
    public string? KeyReference { get; set; }
    public required string KeyAlgorithm { get; set; }
    public required string Sha256Thumbprint { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public bool IsDefault { get; set; }
    /// <summary>The issuing CA of an intermediate; null for a root or an imported CA whose issuer is outside.</summary>
    public Guid? ParentId { get; set; }
    /// <summary>The chain above this CA (DER certificates, issuer first), for imported intermediates.</summary>
    public byte[]? ChainDer { get; set; }
    public bool Imported { get; set; }
    /// <summary>Set on a CA that replaced another in a root key rollover (RFC 4210 §4.4, RFC 7030 §4.1.3).</summary>
    public Guid? PreviousCaId { get; set; }
    /// <summary>The previous root's public key signed by this CA's key.</summary>
    public byte[]? OldWithNewDer { get; set; }
    /// <summary>This CA's public key signed by the previous root's key.</summary>
    public byte[]? NewWithOldDer { get; set; }
    /// <summary>When this CA stopped issuing (rolled over); it still validates what it issued.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
