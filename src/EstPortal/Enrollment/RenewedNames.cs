using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using EstPortal.Policy;

namespace EstPortal.Enrollment;

/// <summary>
/// Keeps a device's names stable across renewals: when the names to certify equal those of the certificate being
/// renewed (RFC 5280 §7.1, after RFC 4518 preparation) but are encoded differently — the renewing tool wrote the CN as
/// PrintableString where the first wrote UTF8String — the CA writes them exactly as the renewed certificate had them,
/// so relying parties that compare DER (and the device's own configuration) see the same name every time.
/// </summary>
public static class RenewedNames
{
    public static PolicyDecision KeepEncoding(X509Certificate2? renewed, PolicyDecision decision)
    {
        if (renewed is null)
            return decision;
        var subject = DistinguishedNameComparer.Equal(renewed.SubjectName, decision.Subject) ? renewed.SubjectName : decision.Subject;
        var renewedSan = SubjectAltNameComparer.Of(renewed.Extensions);
        var san = decision.SubjectAltName is { } requested && renewedSan is not null && SubjectAltNameComparer.Difference(renewedSan, requested) is null
            ? new X509Extension(SubjectAltNameComparer.Oid, renewedSan.RawData, requested.Critical)
            : decision.SubjectAltName;
        return decision with { Subject = subject, SubjectAltName = san };
    }
}
