using EstPortal.Enrollment.CallerRules;

namespace EstPortal.Tests.Enrollment.CallerRules;

public sealed class CallerRuleSetTests
{
    [Fact]
    public void Rules_RunInTheDocumentedOrder_WithDistinctNames()
    {
        Assert.Equal(["authentication", "token-profile", "certificate-profile", "idevid-device", "tpm-attestation", "token-subject", "attested-key",
                "reenrollment-identity", "identity", "identity-san"],
            CallerRuleSet.Rules.Select(r => r.Name));
        // What the credential may use is judged before the CSR is read; what it asks for, after.
        Assert.All(CallerRuleSet.Rules.Take(5), r => Assert.False(r.NeedsCsr));
        Assert.All(CallerRuleSet.Rules.Skip(5), r => Assert.True(r.NeedsCsr));
    }
}
