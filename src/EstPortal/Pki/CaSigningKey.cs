using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>How a CA key of a given type signs: the X.509 signature generator and its hash.</summary>
internal static class CaSigningKey
{
    public static X509SignatureGenerator CreateSignatureGenerator(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
        // PKCS#1 v1.5 rather than PSS: every EST client and TLS stack we interoperate with verifies it.
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException($"CA key type {key.GetType().Name} is not supported"),
    };

    /// <summary>The signature <see cref="CreateSignatureGenerator"/>'s generator would make over data with this digest.</summary>
    public static byte[] SignDigest(AsymmetricAlgorithm key, byte[] digest, HashAlgorithmName hashAlgorithm) => key switch
    {
        ECDsa ecdsa => ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence),
        RSA rsa => rsa.SignHash(digest, hashAlgorithm, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException($"CA key type {key.GetType().Name} is not supported"),
    };

    /// <summary>SHA-384 for P-384, SHA-512 for P-521, SHA-256 otherwise (security strength matched to the key).</summary>
    public static HashAlgorithmName HashFor(AsymmetricAlgorithm key) => key switch
    {
        ECDsa { KeySize: >= 521 } => HashAlgorithmName.SHA512,
        ECDsa { KeySize: >= 384 } => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA256,
    };
}
