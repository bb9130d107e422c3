using EstPortal.Data.Entities;

namespace EstPortal.CaKeys;

/// <summary>
/// What the database knows about a CA key: which backend holds it, the Data Protection payload (software keys only;
/// empty for a key in an HSM) and the key's reference in its store (a pkcs11: URI; null for software keys).
/// </summary>
public sealed record CaKeyLocation(string Store, byte[] ProtectedPrivateKey, string? KeyReference)
{
    public static CaKeyLocation Of(CertificateAuthority ca) => new(ca.KeyStore, ca.ProtectedPrivateKey, ca.KeyReference);

    public void ApplyTo(CertificateAuthority ca)
    {
        ca.KeyStore = Store;
        ca.ProtectedPrivateKey = ProtectedPrivateKey;
        ca.KeyReference = KeyReference;
    }
}
