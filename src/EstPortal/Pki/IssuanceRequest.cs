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
    CertificatePurpose Purpose = CertificatePurpose.ClientAuth);
