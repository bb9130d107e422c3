using System.Security.Cryptography;
using Org.BouncyCastle.Tls;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// The server's CertificateVerify/ServerKeyExchange signature made with System.Security.Cryptography (OpenSSL), not
/// BouncyCastle: the design keeps private-key operations on the platform (managed ECDSA measured ~3× slower here),
/// and the key never leaves the <see cref="ECDsa"/> object. TLS 1.2 ECDSA signatures are DER (RFC 8422 §5.4).
/// </summary>
internal sealed class PlatformEcdsaSigner(Certificate certificate, ECDsa key) : TlsCredentialedSigner
{
    public Certificate Certificate => certificate;

    public SignatureAndHashAlgorithm SignatureAndHashAlgorithm { get; } =
        SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    public byte[] GenerateRawSignature(byte[] hash) => key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);

    // Null: BouncyCastle hashes the handshake itself and asks for a signature over the hash.
    public Org.BouncyCastle.Tls.Crypto.TlsStreamSigner? GetStreamSigner() => null;
}
