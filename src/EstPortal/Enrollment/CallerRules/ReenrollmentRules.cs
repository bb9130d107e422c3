using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using EstPortal.Policy;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>RFC 7030 §4.2.2: a re-enrollment keeps the identity of the certificate it renews, unless it says otherwise.</summary>
public static class ReenrollmentRules
{
    /// <summary>Null when the CSR may renew <paramref name="current"/>; otherwise the reason it may not.</summary>
    /// <exception cref="CsrRejectedException">The CSR's ChangeSubjectName attribute is malformed.</exception>
    public static string? Check(X509Certificate2 current, CertificateRequest csr, bool allowChangeSubjectName = false)
    {
        // "the Subject field and SubjectAltName extension MUST be identical to the corresponding fields in the
        // certificate being renewed or rekeyed" — identical as names (RFC 5280 §7.1: compared after RFC 4518
        // preparation), so a renewal made by another tool, which writes the CN as PrintableString where the first
        // wrote UTF8String, keeps its identity. The CA then writes the Subject as the renewed certificate had it.
        var subjectDifference = DistinguishedNameComparer.Difference(current.SubjectName, csr.SubjectName);
        var csrSan = SubjectAltNameComparer.Of(csr.CertificateExtensions);
        var sanDifference = SubjectAltNameComparer.Difference(SubjectAltNameComparer.Of(current.Extensions), csrSan);
        if (subjectDifference is null && sanDifference is null)
            return null;

        // "... unless the ChangeSubjectName attribute [RFC 6402] is included in the CSR": the client declares the
        // names it now wants. We accept the change only where the profile allows it and the declaration names exactly
        // the Subject/SAN the CSR carries (the names that will be certified; policy then applies to them).
        var change = ChangeSubjectNameAttribute.Read(csr);
        if (change is null)
        {
            return subjectDifference is not null
                ? $"re-enrollment must keep the Subject '{current.Subject}' (the CSR asks for '{csr.SubjectName.Name}': {subjectDifference}) or include ChangeSubjectName (RFC 6402)"
                : $"re-enrollment must keep the SubjectAltName of the current certificate ({sanDifference}) or include ChangeSubjectName (RFC 6402)";
        }
        if (!allowChangeSubjectName)
            return "this profile does not allow re-enrollment to change the Subject or SubjectAltName (ChangeSubjectName)";
        if (subjectDifference is not null
            && (change.SubjectDer is null || !DistinguishedNameComparer.Equal(new X500DistinguishedName(change.SubjectDer), csr.SubjectName)))
            return "the Subject changes, but ChangeSubjectName does not name the CSR's new Subject";
        if (sanDifference is not null && SubjectAltNameComparer.Difference(change.SubjectAltNamesDer, csrSan?.RawData) is not null)
            return "the SubjectAltName changes, but ChangeSubjectName does not name the CSR's new SubjectAltName";
        return null;
    }
}
