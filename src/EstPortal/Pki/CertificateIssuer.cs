using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// The CA-side signing step. The enrollment layer decides what to issue; this class re-checks the parts that make
/// a certificate dangerous if wrong (key type and size, CA validity, subject/SAN presence) and builds every
/// constraint extension itself, so no CSR can ask its way to a CA certificate or extra key usages.
/// </summary>
public sealed class CertificateIssuer
{
    private const string SubjectAltNameOid = "2.5.29.17";

    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly TimeProvider _time;
    private readonly SerialNumberGenerator _serials;

    public CertificateIssuer(TimeProvider time, SerialNumberGenerator serials)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(serials);
        _time = time;
        _serials = serials;
    }

    /// <exception cref="IssuanceRefusedException">The key, subject or CA does not allow issuance; the message is client-facing.</exception>
    /// <exception cref="ArgumentException">The request itself is malformed (a programming error, not client input).</exception>
    public IssuedCertificateResult Issue(ICaSigner ca, IssuanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Csr);
        ArgumentNullException.ThrowIfNull(request.Subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Validity, TimeSpan.Zero);

        var now = CertificateTimes.TruncateToSeconds(_time.GetUtcNow());
        IssuingCaRules.EnsureCanIssue(ca.Certificate, now);

        var publicKey = request.Csr.PublicKey;
        var isRsa = SubjectKeyRules.EnsureAcceptable(publicKey);
        var subjectPublicKeyInfo = publicKey.ExportSubjectPublicKeyInfo();
        if (subjectPublicKeyInfo.AsSpan().SequenceEqual(ca.Certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new IssuanceRefusedException("the request uses the CA's own public key");
        }

        var subjectIsEmpty = request.Subject.RawData.Length <= 2;
        var subjectAltName = SingleSubjectAltName(request.SubjectAlternativeNames, subjectIsEmpty);
        if (subjectIsEmpty && subjectAltName is null)
        {
            throw new IssuanceRefusedException("the certificate would have neither a subject nor a subjectAltName");
        }

        // Set by the CA, never taken from the CSR (RFC 7030 §4.2.1 leaves the choice of extensions to the CA).
        var extensions = new List<X509Extension>(8)
        {
            // RFC 5280 §4.2.1.9: CA:false stated explicitly (and critical) so no relying party can mistake it for a CA.
            new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true),
            // RSA: keyEncipherment; EC: keyAgreement (EC keys cannot encipher, RFC 5480 §3). Either lets the device's
            // certificate receive an encrypted server-generated key (RFC 7030 §4.4.1.2) by key transport or ECDH.
            new X509KeyUsageExtension(
                X509KeyUsageFlags.DigitalSignature | (isRsa ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.KeyAgreement),
                critical: true),
            new X509EnhancedKeyUsageExtension(UsagesFor(request.Purpose), critical: false),
            new X509SubjectKeyIdentifierExtension(publicKey, critical: false),
            AuthorityKeyIdentifier(ca.Certificate),
        };
        if (subjectAltName is not null)
        {
            extensions.Add(subjectAltName);
        }

        extensions.AddRange(RevocationPointers.ExtensionsFor(request));

        // Never before the CA's own validity starts, never past its end: a chain whose CA expires first fails
        // validation anyway, and some clients reject children outliving their issuer.
        var caNotBefore = CertificateTimes.NotBefore(ca.Certificate);
        var caNotAfter = CertificateTimes.NotAfter(ca.Certificate);
        var notBefore = Max(now - CertificateTimes.ClockSkewAllowance, caNotBefore);
        var notAfter = Min(CertificateTimes.TruncateToSeconds(now + request.Validity), caNotAfter);

        var serial = _serials.Next();
        var der = CertificateEncoder.Sign(ca.Certificate.SubjectName, ca.SignatureGenerator, ca.HashAlgorithm, serial,
            notBefore, notAfter, request.Subject, subjectPublicKeyInfo, extensions);

        return new IssuedCertificateResult(
            der,
            SerialNumberGenerator.ToHex(serial),
            Convert.ToHexString(SHA256.HashData(der)),
            Convert.ToHexString(SHA256.HashData(subjectPublicKeyInfo)),
            request.Subject,
            subjectAltName,
            notBefore,
            notAfter);
    }

    private static X509Extension? SingleSubjectAltName(IReadOnlyList<X509Extension>? extensions, bool subjectIsEmpty)
    {
        if (extensions is null || extensions.Count == 0)
        {
            return null;
        }

        // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
        if (extensions.Count > 1)
        {
            throw new ArgumentException("at most one subjectAltName extension may be given", nameof(extensions));
        }

        var extension = extensions[0];
        if (extension.Oid?.Value != SubjectAltNameOid)
        {
            throw new ArgumentException(
                $"extension {extension.Oid?.Value} is not a subjectAltName; the CA sets all other extensions itself",
                nameof(extensions));
        }

        // RFC 5280 §4.2.1.6: with an empty subject the subjectAltName extension must be critical.
        return subjectIsEmpty && !extension.Critical
            ? new X509Extension(SubjectAltNameOid, extension.RawData, critical: true)
            : extension;
    }

    private static OidCollection UsagesFor(CertificatePurpose purpose)
    {
        var usages = new OidCollection();
        switch (purpose)
        {
            case CertificatePurpose.ClientAuth:
                usages.Add(ClientAuth);
                break;
            case CertificatePurpose.ServerAuth:
                usages.Add(ServerAuth);
                break;
            case CertificatePurpose.ClientAndServerAuth:
                usages.Add(ClientAuth);
                usages.Add(ServerAuth);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "unknown certificate purpose");
        }

        return usages;
    }

    private static X509AuthorityKeyIdentifierExtension AuthorityKeyIdentifier(X509Certificate2 ca)
    {
        // RFC 5280 §4.2.1.1: keyIdentifier = the issuer's subjectKeyIdentifier. A CA imported without an SKI gets
        // issuer name and serial instead, which identifies the same key unambiguously.
        var hasSubjectKeyIdentifier = ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any();
        return X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            ca,
            includeKeyIdentifier: hasSubjectKeyIdentifier,
            includeIssuerAndSerial: !hasSubjectKeyIdentifier);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
