using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.Enrollment;

/// <summary>RFC 7030 §4.2.2: a re-enrollment keeps the identity of the certificate it renews, unless it says otherwise.</summary>
public static class ReenrollmentRules
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>Null when the CSR may renew <paramref name="current"/>; otherwise the reason it may not.</summary>
    /// <exception cref="CsrRejectedException">The CSR's ChangeSubjectName attribute is malformed.</exception>
    public static string? Check(X509Certificate2 current, CertificateRequest csr, bool allowChangeSubjectName = false)
    {
        // "the Subject field and SubjectAltName extension MUST be identical to the corresponding fields in the
        // certificate being renewed or rekeyed" — compared as DER, which is what identical means.
        var sameSubject = current.SubjectName.RawData.AsSpan().SequenceEqual(csr.SubjectName.RawData);
        var sameSan = SanEquals(SanOf(current.Extensions), SanOf(csr.CertificateExtensions));
        if (sameSubject && sameSan)
            return null;

        // "... unless the ChangeSubjectName attribute [RFC 6402] is included in the CSR": the client declares the
        // names it now wants. We accept the change only where the profile allows it and the declaration names exactly
        // the Subject/SAN the CSR carries (the names that will be certified; policy then applies to them).
        var change = ChangeSubjectNameAttribute.Read(csr);
        if (change is null)
        {
            return !sameSubject
                ? $"re-enrollment must keep the Subject '{current.Subject}' (the CSR asks for '{csr.SubjectName.Name}') or include ChangeSubjectName (RFC 6402)"
                : "re-enrollment must keep the SubjectAltName of the current certificate or include ChangeSubjectName (RFC 6402)";
        }
        if (!allowChangeSubjectName)
            return "this profile does not allow re-enrollment to change the Subject or SubjectAltName (ChangeSubjectName)";
        if (!sameSubject && (change.SubjectDer is null || !change.SubjectDer.AsSpan().SequenceEqual(csr.SubjectName.RawData)))
            return "the Subject changes, but ChangeSubjectName does not name the CSR's new Subject";
        if (!sameSan && !SanEquals(change.SubjectAltNamesDer, SanOf(csr.CertificateExtensions)))
            return "the SubjectAltName changes, but ChangeSubjectName does not name the CSR's new SubjectAltName";
        return null;
    }

    private static byte[]? SanOf(IEnumerable<X509Extension> extensions) =>
        extensions.FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid)?.RawData;

    private static bool SanEquals(byte[]? a, byte[]? b) =>
        (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            _ => a.AsSpan().SequenceEqual(b),
        };
}
