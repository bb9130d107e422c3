using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// A signed certificate (public only): its DER, the identifiers the database indexes it by, and the facts the issuer
/// wrote into it, so that recording and answering an enrollment never has to decode it again (ADR 0010).
/// </summary>
public sealed class IssuedCertificateResult
{
    private readonly Lazy<X509Certificate2> _certificate;

    /// <param name="serialHex">Upper-case hex serial, as <see cref="X509Certificate2.SerialNumber"/> reports it.</param>
    /// <param name="sha256Thumbprint">Upper-case hex SHA-256 over the certificate's DER.</param>
    /// <param name="publicKeySha256">Upper-case hex SHA-256 over the SubjectPublicKeyInfo DER (same key ⇒ same value).</param>
    public IssuedCertificateResult(
        byte[] der,
        string serialHex,
        string sha256Thumbprint,
        string publicKeySha256,
        X500DistinguishedName subject,
        X509Extension? subjectAlternativeName,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(der);
        Der = der;
        SerialHex = serialHex;
        Sha256Thumbprint = sha256Thumbprint;
        PublicKeySha256 = publicKeySha256;
        Subject = subject;
        SubjectAlternativeName = subjectAlternativeName;
        NotBefore = notBefore;
        NotAfter = notAfter;
        _certificate = new Lazy<X509Certificate2>(() => X509CertificateLoader.LoadCertificate(der));
    }

    public byte[] Der { get; }

    public string SerialHex { get; }

    public string Sha256Thumbprint { get; }

    public string PublicKeySha256 { get; }

    public X500DistinguishedName Subject { get; }

    /// <summary>The subjectAltName extension as written into the certificate, if it has one.</summary>
    public X509Extension? SubjectAlternativeName { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>
    /// The certificate as an object, decoded on first use (OpenSSL work the enrollment path avoids). The same instance
    /// every time; whoever asks for it may dispose it.
    /// </summary>
    public X509Certificate2 Certificate => _certificate.Value;
}
