namespace EstPortal.Data.Entities;

/// <summary>
/// A CA that issues device certificates. The private key is stored only as a Data Protection payload
/// (<see cref="ProtectedPrivateKey"/>); nothing in the app ever decrypts it except the software signer.
/// </summary>
public sealed class CertificateAuthority
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Subject { get; set; }
    public required byte[] CertificateDer { get; set; }
    /// <summary>PKCS#8 private key protected with ASP.NET Core Data Protection.</summary>
    public required byte[] ProtectedPrivateKey { get; set; }
    public required string KeyAlgorithm { get; set; }
    public required string Sha256Thumbprint { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
