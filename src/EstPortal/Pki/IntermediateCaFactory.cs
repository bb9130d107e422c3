using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>Certifies a new intermediate CA key (made by a CA key backend) with an existing CA.</summary>
public sealed class IntermediateCaFactory
{
    private readonly TimeProvider _time;
    private readonly SerialNumberGenerator _serials;

    public IntermediateCaFactory(TimeProvider time, SerialNumberGenerator serials)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(serials);
        _time = time;
        _serials = serials;
    }

    /// <param name="pathLength">RFC 5280 §4.2.1.9 pathLenConstraint; null for none.</param>
    /// <exception cref="IssuanceRefusedException">The issuer may not sign a CA below it (not a CA, expired, path length exhausted).</exception>
    /// <exception cref="ArgumentException">The subject is empty or not a distinguished name, or a bad validity/path length.</exception>
    public X509Certificate2 CreateIntermediate(ICaSigner issuer, string subjectDn, ICaKey key, TimeSpan validity, int? pathLength)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        if (pathLength is < 0)
            throw new ArgumentOutOfRangeException(nameof(pathLength), "a path length is 0 or more");

        var subject = CaSubject.Parse(subjectDn);
        var now = CertificateTimes.TruncateToSeconds(_time.GetUtcNow());
        // Pki re-checks what it signs: the issuer must be a CA that may sign now.
        IssuingCaRules.EnsureCanIssue(issuer.Certificate, now);
        var issuerConstraints = issuer.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().First();
        if (issuerConstraints.HasPathLengthConstraint)
        {
            // RFC 5280 §4.2.1.9: the issuer's pathLen counts the CAs that may follow it; a child CA consumes one.
            if (issuerConstraints.PathLengthConstraint == 0)
                throw new IssuanceRefusedException($"'{issuer.Certificate.Subject}' has path length 0 and may not sign another CA");
            if (pathLength is null || pathLength >= issuerConstraints.PathLengthConstraint)
                throw new IssuanceRefusedException(
                    $"the path length must be below the issuer's ({issuerConstraints.PathLengthConstraint})");
        }

        var request = new CertificateRequest(subject, key.PublicKey, issuer.HashAlgorithm);
        // RFC 5280 §4.2.1.9: critical basicConstraints with cA; pathLen when the operator limits the depth below.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: pathLength is not null, pathLengthConstraint: pathLength ?? 0, critical: true));
        // RFC 5280 §4.2.1.3: keyCertSign and cRLSign (digitalSignature for the OCSP responses it may sign, as the root).
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // RFC 5280 §4.2.1.1: AKI = the issuer's SKI, so validators pick the right issuer key (e.g. after a rollover).
        request.CertificateExtensions.Add(CaAuthorityKeyIdentifier.For(issuer.Certificate));

        // Never outlive the issuer: a chain whose upper CA expires first fails validation anyway.
        var notBefore = Max(now - CertificateTimes.ClockSkewAllowance, CertificateTimes.NotBefore(issuer.Certificate));
        var notAfter = Min(now + validity, CertificateTimes.NotAfter(issuer.Certificate));
        using var certificate = request.Create(issuer.Certificate.SubjectName, issuer.SignatureGenerator, notBefore, notAfter, _serials.Next());
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
