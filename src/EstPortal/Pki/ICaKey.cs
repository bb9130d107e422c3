using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// A CA key as certificate factories see it before it has a certificate: its public key and a sign operation. A key
/// backend (software or PKCS#11) makes one; the private key stays with the backend.
/// </summary>
public interface ICaKey
{
    PublicKey PublicKey { get; }

    X509SignatureGenerator SignatureGenerator { get; }

    /// <summary>The hash the key signs with (matched to its strength, see <see cref="CaKeyAlgorithmExtensions.HashAlgorithm"/>).</summary>
    HashAlgorithmName HashAlgorithm { get; }
}
