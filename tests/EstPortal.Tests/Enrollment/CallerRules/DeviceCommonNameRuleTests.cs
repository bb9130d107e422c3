using EstPortal.Enrollment;
using EstPortal.Enrollment.CallerRules;
using EstPortal.Policy;
using static EstPortal.Tests.Enrollment.CallerRules.CallerRuleTestData;

namespace EstPortal.Tests.Enrollment.CallerRules;

public sealed class DeviceCommonNameRuleTests
{
    private static readonly DeviceCommonNameRule Rule = new();

    [Fact]
    public void DeviceAskingForAnotherName_IsRefused_NamingTheRule()
    {
        var refusal = Run(Rule, Device("ap1"), Csr("CN=someone-else"));
        Assert.Equal("identity: the CSR's CN 'someone-else' is not this device's name 'ap1'", refusal?.Message);
        Assert.False(refusal!.Forbidden);
    }

    [Theory]
    [InlineData("CN=ap1")]
    [InlineData("CN=AP1, O=Acme")]
    [InlineData("CN= ap1 ")]
    public void DeviceAskingForItsOwnName_AsRfc4518ComparesIt_Passes(string subject) =>
        Assert.Null(Run(Rule, Device("ap1"), Csr(subject)));

    [Fact]
    public void NoCn_OrTwoCns_AreRefused()
    {
        Assert.Contains("has no CN", Run(Rule, Device("ap1"), Csr("O=Acme"))!.Reason);
        Assert.Contains("2 CNs", Run(Rule, Device("ap1"), Csr("CN=ap1, CN=bank.example"))!.Reason);
    }

    [Fact]
    public void ProfileCnPatternNamingTheDevice_GovernsInstead()
    {
        var profile = Profile("p", "p", CsrPolicy.Default with { Subject = new SubjectPolicy { CommonNamePattern = "{device}-.*" } });
        Assert.Null(Run(Rule, Device("ap1"), Csr("CN=ap1-eth0"), profile));
    }

    [Fact]
    public void UnboundToken_IsNotBoundToADeviceName() =>
        Assert.Null(Run(Rule, UnboundToken(), Csr("CN=anything")));

    [Fact]
    public void RenewalKeepingItsSubject_IsLeftToTheReenrollmentRule()
    {
        var current = SelfSigned("CN=legacy-name");
        Assert.Null(Run(Rule, Certificate(current, "ap1", DefaultProfile), Csr("CN=legacy-name"), kind: EnrollmentKind.Reenroll));
        // The same certificate on /simpleenroll is bound to its device like any other device credential.
        Assert.NotNull(Run(Rule, Certificate(current, "ap1", DefaultProfile), Csr("CN=legacy-name")));
    }
}
