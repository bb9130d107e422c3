using System.Security.Cryptography;

namespace EstPortal.Pki;

public static class CaKeyAlgorithmExtensions
{
    /// <summary>Label for the portal and the CLI, e.g. "EC P-256".</summary>
    public static string DisplayName(this CaKeyAlgorithm algorithm) => algorithm switch
    {
        CaKeyAlgorithm.EcP256 => "EC P-256",
        CaKeyAlgorithm.EcP384 => "EC P-384",
        CaKeyAlgorithm.Rsa2048 => "RSA 2048",
        CaKeyAlgorithm.Rsa3072 => "RSA 3072",
        CaKeyAlgorithm.Rsa4096 => "RSA 4096",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown CA key algorithm"),
    };

    /// <summary>
    /// The hash the CA signs with: matched to the key's security strength (NIST SP 800-57), so SHA-384 for P-384 and
    /// SHA-256 otherwise. RFC 5758 §3.2 pairs ecdsa-with-SHA384 with P-384.
    /// </summary>
    public static HashAlgorithmName HashAlgorithm(this CaKeyAlgorithm algorithm) => algorithm switch
    {
        CaKeyAlgorithm.EcP384 => HashAlgorithmName.SHA384,
        CaKeyAlgorithm.EcP256 or CaKeyAlgorithm.Rsa2048 or CaKeyAlgorithm.Rsa3072 or CaKeyAlgorithm.Rsa4096
            => HashAlgorithmName.SHA256,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown CA key algorithm"),
    };

    /// <summary>Generates a fresh key of this type. The caller disposes it.</summary>
    internal static AsymmetricAlgorithm GenerateKey(this CaKeyAlgorithm algorithm) => algorithm switch
    {
        CaKeyAlgorithm.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        CaKeyAlgorithm.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        CaKeyAlgorithm.Rsa2048 => RSA.Create(2048),
        CaKeyAlgorithm.Rsa3072 => RSA.Create(3072),
        CaKeyAlgorithm.Rsa4096 => RSA.Create(4096),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown CA key algorithm"),
    };
}
