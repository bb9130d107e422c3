using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using EstPortal.Enrollment.CallerRules;
using EstPortal.Policy;
using static EstPortal.Tests.Enrollment.CallerRules.CallerRuleTestData;

namespace EstPortal.Tests.Enrollment.CallerRules;

/// <summary>tpm-attestation and attested-key: which callers a profile requiring TPM attestation lets in, and which key they may certify.</summary>
public sealed class TpmAttestationRulesTests
{
    private static readonly ResolvedProfile Requiring = Profile("tpm", "tpm",
        CsrPolicy.Default with { TpmAttestation = new TpmAttestationPolicy { Required = true, EkTrust = ["vendor"] } });

    [Fact]
    public void RequiringProfile_AdmitsAttestedTokensAndItsOwnCertificatesOnRenewal_RefusesEverythingElseNamingTheRule()
    {
        var rule = new TpmAttestationRule();
        var csr = Csr("CN=board");
        Assert.Null(Run(rule, Attested(csr), null, Requiring));
        using var own = SelfSigned("CN=board");
        Assert.Null(Run(rule, Certificate(own, "board", Requiring), null, Requiring, EnrollmentKind.Reenroll));

        foreach (var (caller, kind) in new (EstCaller, EnrollmentKind)[]
                 {
                     (UnboundToken(), EnrollmentKind.Enroll),
                     (Device("board"), EnrollmentKind.Enroll),
                     (Certificate(own, "board", Requiring), EnrollmentKind.Enroll),
                     (Certificate(own, "board", Profile("other", "other")), EnrollmentKind.Reenroll),
                 })
        {
            var refusal = Run(rule, caller, null, Requiring, kind);
            Assert.NotNull(refusal);
            Assert.True(refusal.Forbidden);
            Assert.StartsWith("tpm-attestation: ", refusal.Message);
        }
        Assert.Null(Run(rule, UnboundToken(), null, DefaultProfile));
    }

    [Fact]
    public void AttestedToken_CertifiesOnlyTheAttestedKey_AndARenewalOnARequiringProfileKeepsItsKey()
    {
        var rule = new AttestedKeyRule();
        var attestedCsr = Csr("CN=board");
        var otherCsr = Csr("CN=board");
        Assert.Null(Run(rule, Attested(attestedCsr), attestedCsr, Requiring));
        Assert.StartsWith("attested-key: the CSR's public key is not the key the TPM attested", Run(rule, Attested(attestedCsr), otherCsr, Requiring)?.Message);

        using var current = attestedCsr.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var renewal = Certificate(current, "board", Requiring);
        Assert.Null(Run(rule, renewal, attestedCsr, Requiring, EnrollmentKind.Reenroll));
        Assert.StartsWith("attested-key: this profile requires a TPM-attested key", Run(rule, renewal, otherCsr, Requiring, EnrollmentKind.Reenroll)?.Message);
        Assert.Null(Run(rule, renewal, otherCsr, DefaultProfile, EnrollmentKind.Reenroll));
    }

    private static EstCaller Attested(CertificateRequest csr) => UnboundToken() with
    {
        AttestedKey = new TpmAttestedKey(Convert.ToHexString(SHA256.HashData(csr.PublicKey.ExportSubjectPublicKeyInfo())), "CN=ek-ca", "01", "ab"),
    };
}
