using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>Makes the self-signed certificate of a root CA whose key a CA key backend generated.</summary>
public sealed class RootCaFactory
{
    public const string DefaultSubject = "CN=EstPortal Root CA";

    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(3652);

    private readonly TimeProvider _time;
    private readonly SerialNumberGenerator _serials;

    public RootCaFactory(TimeProvider time, SerialNumberGenerator serials)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(serials);
        _time = time;
        _serials = serials;
    }

    /// <summary>Certifies <paramref name="key"/> (made by a CA key backend) as a self-signed root.</summary>
    /// <param name="subjectDn">RFC 4514 string, e.g. <c>CN=Example Root CA, O=Example</c>.</param>
    /// <param name="pathLength">RFC 5280 §4.2.1.9 pathLenConstraint: how many CAs may follow below; null for no limit.</param>
    /// <exception cref="ArgumentException">The subject is empty or not a valid distinguished name.</exception>
    public X509Certificate2 CreateRoot(string subjectDn, ICaKey key, TimeSpan validity, int? pathLength = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectDn);
        ArgumentNullException.ThrowIfNull(key);
        if (pathLength is < 0)
            throw new ArgumentOutOfRangeException(nameof(pathLength), "a path length is 0 or more");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);

        var subject = ParseSubject(subjectDn);
        var request = new CertificateRequest(subject, key.PublicKey, key.HashAlgorithm);

        // RFC 5280 §4.2.1.9: basicConstraints MUST be critical in CA certificates. No pathLenConstraint unless asked
        // for, so the operator can add intermediates later.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: pathLength is not null, pathLengthConstraint: pathLength ?? 0, critical: true));
        // RFC 5280 §4.2.1.3: keyCertSign and cRLSign for a CA; digitalSignature for OCSP responses it may sign.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature,
            critical: true));
        // RFC 5280 §4.2.1.2 (method 1, SHA-1 of the key); §4.2.1.1: a self-signed AKI repeats the SKI.
        var subjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        request.CertificateExtensions.Add(subjectKeyIdentifier);
        request.CertificateExtensions.Add(
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier));

        var now = CertificateTimes.TruncateToSeconds(_time.GetUtcNow());
        using var certificate = request.Create(
            subject,
            key.SignatureGenerator,
            now - CertificateTimes.ClockSkewAllowance,
            now + validity,
            _serials.Next());
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    private static X500DistinguishedName ParseSubject(string subjectDn)
    {
        X500DistinguishedName subject;
        try
        {
            subject = new X500DistinguishedName(subjectDn);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"'{subjectDn}' is not a valid distinguished name", nameof(subjectDn), ex);
        }

        // RFC 5280 §4.1.2.6: a CA's subject (it becomes the issuer of everything it signs) must not be empty.
        if (subject.RawData.Length <= 2)
        {
            throw new ArgumentException("a CA subject must not be empty", nameof(subjectDn));
        }

        return subject;
    }
}
