using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// A key pair the server generated for a client (RFC 7030 §4.4): the key object, to build the certificate request,
/// and its PKCS#8 PrivateKeyInfo (RFC 5958), which is what the client receives. Disposing it disposes the key and
/// zeroes the PKCS#8 buffer, so dispose it as soon as the response is written.
/// </summary>
public sealed class GeneratedKey : IDisposable
{
    public GeneratedKey(ServerKeyType type, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        Pkcs8 = key.ExportPkcs8PrivateKey();
        PublicKey = new PublicKey(key);
    }

    public ServerKeyType Type { get; }

    /// <summary>An <see cref="ECDsa"/> or <see cref="RSA"/> holding the private key.</summary>
    public AsymmetricAlgorithm Key { get; }

    /// <summary>DER PKCS#8 PrivateKeyInfo, unencrypted: the body of an application/pkcs8 part (RFC 7030 §4.4.2).</summary>
    public byte[] Pkcs8 { get; }

    public PublicKey PublicKey { get; }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(Pkcs8);
        Key.Dispose();
    }
}
