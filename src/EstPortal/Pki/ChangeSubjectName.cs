using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// What a re-enrollment CSR asks to change (RFC 6402 ChangeSubjectName; RFC 7030 §4.2.2 allows it in
/// /simplereenroll). Values are raw DER so a caller can compare them byte for byte with the current certificate.
/// At least one is present.
/// </summary>
/// <param name="SubjectDer">DER Name, comparable with <see cref="X500DistinguishedName.RawData"/>; null when not asked to change.</param>
/// <param name="SubjectAltNamesDer">DER GeneralNames (universal SEQUENCE tag), comparable with a subjectAltName extension's <see cref="AsnEncodedData.RawData"/>; null when not asked to change.</param>
public sealed record ChangeSubjectName(byte[]? SubjectDer, byte[]? SubjectAltNamesDer)
{
    public X500DistinguishedName? Subject => SubjectDer is null ? null : new X500DistinguishedName(SubjectDer);

    /// <summary>The requested names as a subjectAltName extension for <see cref="IssuanceRequest.SubjectAlternativeNames"/>.</summary>
    public X509Extension? SubjectAlternativeNameExtension =>
        SubjectAltNamesDer is null ? null : new X509Extension("2.5.29.17", SubjectAltNamesDer, critical: false);
}
