using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// A CA as the rest of the app sees it: its certificate (public) and a sign operation. There is deliberately no
/// way to reach the private key, so a PKCS#11 implementation can replace the software one without touching callers.
/// </summary>
public interface ICaSigner
{
    Guid CaId { get; }

    /// <summary>The CA certificate, without its private key.</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>Signs TBS structures (certificates, later CRLs and OCSP responses) with the CA key.</summary>
    X509SignatureGenerator SignatureGenerator { get; }

    /// <summary>The hash this CA signs with (SHA-256 for P-256 and RSA, SHA-384 for P-384).</summary>
    System.Security.Cryptography.HashAlgorithmName HashAlgorithm { get; }

    /// <summary>
    /// Signs a <see cref="HashAlgorithm"/> digest the caller computed, for a structure too large to hand over whole (a
    /// CRL streamed from the database, ADR 0030). Encoded as <see cref="SignatureGenerator"/>'s signatures are: a DER
    /// ECDSA-Sig-Value (RFC 3279 §2.2.3) or an RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2).
    /// </summary>
    byte[] SignDigest(byte[] digest);
}
