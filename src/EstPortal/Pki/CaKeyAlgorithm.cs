namespace EstPortal.Pki;

/// <summary>Key types an operator can choose for a new CA. The first member is the default.</summary>
public enum CaKeyAlgorithm
{
    EcP256 = 0,
    EcP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}
