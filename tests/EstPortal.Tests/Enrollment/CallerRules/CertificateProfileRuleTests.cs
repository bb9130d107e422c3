using EstPortal.Enrollment;
using EstPortal.Enrollment.CallerRules;
using EstPortal.Policy;
using static EstPortal.Tests.Enrollment.CallerRules.CallerRuleTestData;

namespace EstPortal.Tests.Enrollment.CallerRules;

public sealed class CertificateProfileRuleTests
{
    private static readonly CertificateProfileRule Rule = new();
    private static readonly ResolvedProfile A = Profile("factory", "factory");

    [Fact]
    public void CertificateFromLabelA_UnderLabelB_IsForbidden_NamingTheRule()
    {
        var b = Profile("field", "field");
        var refusal = Run(Rule, Certificate(SelfSigned("CN=ap1"), "ap1", A), null, b);
        Assert.NotNull(refusal);
        Assert.True(refusal.Forbidden);
        Assert.StartsWith("certificate-profile: ", refusal.Message);
        Assert.Contains("'factory'", refusal.Reason);
    }

    [Fact]
    public void CertificateFromLabelA_UnderItsOwnProfile_OrAProfileAcceptingA_Passes()
    {
        var b = Profile("field", "field", CsrPolicy.Default with { AcceptReenrollmentFrom = ["factory"] });
        Assert.Null(Run(Rule, Certificate(SelfSigned("CN=ap1"), "ap1", A), null, A));
        Assert.Null(Run(Rule, Certificate(SelfSigned("CN=ap1"), "ap1", A), null, b));
    }

    [Fact]
    public void CertificateWithoutARecordedProfile_AuthenticatesOnTheDefaultProfileOnly()
    {
        var old = Certificate(SelfSigned("CN=ap1"), "ap1", issuedUnder: null);
        Assert.Null(Run(Rule, old, null, DefaultProfile));
        Assert.True(Run(Rule, old, null, Profile("field", "field"))?.Forbidden);
    }

    [Fact]
    public void OtherCallers_AreNotConcerned() =>
        Assert.Null(Run(Rule, Device("ap1"), null, Profile("field", "field")));
}
