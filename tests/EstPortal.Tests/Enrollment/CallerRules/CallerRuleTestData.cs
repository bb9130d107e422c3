using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using EstPortal.Enrollment.CallerRules;
using EstPortal.Policy;

namespace EstPortal.Tests.Enrollment.CallerRules;

/// <summary>Callers, profiles and CSRs for the caller-rule unit tests.</summary>
internal static class CallerRuleTestData
{
    public static readonly ResolvedProfile DefaultProfile = Profile("default", null);

    public static ResolvedProfile Profile(string name, string? label, CsrPolicy? policy = null) =>
        new(Guid.NewGuid(), name, label, Guid.NewGuid(), policy ?? CsrPolicy.Default, false, false);

    public static EstCaller Device(string name, string? sanPatterns = null) =>
        new(EstCallerKind.DeviceCredential, $"credential:{name}", Guid.NewGuid(), name, DeviceSubjectAltNamePatterns: sanPatterns);

    public static EstCaller UnboundToken(string? subjectPattern = null) =>
        new(EstCallerKind.BootstrapToken, "token:x", null, null, TokenId: Guid.NewGuid(), TokenSubjectPattern: subjectPattern);

    public static EstCaller Certificate(X509Certificate2 certificate, string? device, ResolvedProfile? issuedUnder) =>
        new(EstCallerKind.ClientCertificate, $"certificate:{certificate.SerialNumber}", device is null ? null : Guid.NewGuid(), device,
            CertificateId: Guid.NewGuid(), Certificate: certificate, CertificateProfileId: issuedUnder?.Id, CertificateProfileName: issuedUnder?.Name);

    public static CertificateRequest Csr(string subject, params string[] dns)
    {
        var request = new CertificateRequest(subject, ECDsa.Create(ECCurve.NamedCurves.nistP256), HashAlgorithmName.SHA256);
        if (dns.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dns)
                san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
        }
        return request;
    }

    public static X509Certificate2 SelfSigned(string subject, params string[] dns) =>
        Csr(subject, dns) is var request ? request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)) : null!;

    public static CallerRefusal? Run(ICallerRule rule, EstCaller caller, CertificateRequest? csr, ResolvedProfile? profile = null,
        EnrollmentKind kind = EnrollmentKind.Enroll) =>
        rule.Check(new CallerRequest(caller, kind, profile ?? DefaultProfile, csr));
}
