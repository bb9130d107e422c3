using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// What the enrollment layer decided to issue. Only the CSR's public key is used: its requested extensions are
/// never copied (the CA sets key usage, EKU and basic constraints itself).
/// </summary>
/// <param name="Csr">The request whose public key is certified; its signature has already been verified by <see cref="CsrLoader"/>.</param>
/// <param name="Subject">The subject for the certificate, as decided by the caller (may differ from the CSR's).</param>
/// <param name="SubjectAlternativeNames">Null for none; otherwise subjectAltName extensions (normally exactly one).</param>
/// <param name="Validity">Requested lifetime; clamped to the CA's own notAfter.</param>
/// <param name="Purpose">Decides the extended key usage.</param>
public sealed record IssuanceRequest(
    CertificateRequest Csr,
    X500DistinguishedName Subject,
    IReadOnlyList<X509Extension>? SubjectAlternativeNames,
    TimeSpan Validity,
    CertificatePurpose Purpose = CertificatePurpose.ClientAuth)
{
    /// <summary>Where relying parties fetch the CA's CRL (RFC 5280 §4.2.1.13); null for no extension.</summary>
    public string? CrlDistributionPointUrl { get; init; }

    /// <summary>The OCSP responder (RFC 5280 §4.2.2.1 id-ad-ocsp); null for none.</summary>
    public string? OcspUrl { get; init; }

    /// <summary>Where the issuing CA's certificate can be fetched (RFC 5280 §4.2.2.1 id-ad-caIssuers); null for none.</summary>
    public string? CaIssuersUrl { get; init; }
}
