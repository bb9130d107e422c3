using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// A CA whose key stays in the HSM token. It holds the certificate, the key's CKA_ID and a signature generator that
/// sends digests to the token; no key material is in process memory. Made only by <see cref="Pkcs11CaKeyBackend"/>.
/// </summary>
internal sealed class Pkcs11CaSigner(Guid caId, X509Certificate2 certificate, Pkcs11SignatureGenerator generator) : ICaSigner, IDisposable
{
    public Guid CaId { get; } = caId;

    public X509Certificate2 Certificate { get; } = certificate;

    public X509SignatureGenerator SignatureGenerator { get; } = generator;

    public HashAlgorithmName HashAlgorithm { get; } = HashFor(certificate);

    /// <exception cref="CaKeyUnavailableException">The token cannot sign now.</exception>
    public byte[] SignDigest(byte[] digest) => generator.SignDigest(digest, HashAlgorithm);

    public void Dispose() => Certificate.Dispose();

    /// <summary>The same choice as for software keys (CaSigningKey.HashFor): SHA-384 for P-384, SHA-512 for P-521.</summary>
    public static HashAlgorithmName HashFor(X509Certificate2 certificate)
    {
        using var ec = certificate.GetECDsaPublicKey();
        return ec?.KeySize switch
        {
            >= 521 => HashAlgorithmName.SHA512,
            >= 384 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA256,
        };
    }
}
