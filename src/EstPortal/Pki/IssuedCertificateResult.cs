using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>A signed certificate (public only) and the identifiers the database indexes it by.</summary>
/// <param name="SerialHex">Upper-case hex serial, as <see cref="X509Certificate2.SerialNumber"/> reports it.</param>
/// <param name="Sha256Thumbprint">Upper-case hex SHA-256 over the certificate's DER.</param>
/// <param name="PublicKeySha256">Upper-case hex SHA-256 over the SubjectPublicKeyInfo DER (same key ⇒ same value).</param>
public sealed record IssuedCertificateResult(
    X509Certificate2 Certificate,
    string SerialHex,
    string Sha256Thumbprint,
    string PublicKeySha256);
