using EstPortal.Enrollment;
using EstPortal.Enrollment.CallerRules;
using static EstPortal.Tests.Enrollment.CallerRules.CallerRuleTestData;

namespace EstPortal.Tests.Enrollment.CallerRules;

public sealed class DeviceSubjectAltNameRuleTests
{
    private static readonly DeviceSubjectAltNameRule Rule = new();

    [Fact]
    public void DeviceWithoutPatterns_MayAskForNoSan()
    {
        var refusal = Run(Rule, Device("ap1"), Csr("CN=ap1", "bank.example"));
        Assert.Equal("identity-san: device 'ap1' has no subjectAltName patterns, so its CSR may carry no subjectAltName (it asks for DNS:bank.example)", refusal?.Message);
        Assert.Null(Run(Rule, Device("ap1"), Csr("CN=ap1")));
    }

    [Fact]
    public void DevicePatterns_AllowTheirNamesOnly()
    {
        var device = Device("ap1", @"dns:{device}\.plant\.example");
        Assert.Null(Run(Rule, device, Csr("CN=ap1", "ap1.plant.example")));
        var refusal = Run(Rule, device, Csr("CN=ap1", "ap1.plant.example", "bank.example"));
        Assert.Equal(@"identity-san: subjectAltName DNS:bank.example matches none of the patterns of device 'ap1' (dns:{device}\.plant\.example)", refusal?.Message);
    }

    [Fact]
    public void RenewalKeepingItsSan_IsLeftToTheReenrollmentRule()
    {
        var current = SelfSigned("CN=ap1", "old.example");
        Assert.Null(Run(Rule, Certificate(current, "ap1", DefaultProfile), Csr("CN=ap1", "OLD.example"), kind: EnrollmentKind.Reenroll));
        Assert.NotNull(Run(Rule, Certificate(current, "ap1", DefaultProfile), Csr("CN=ap1", "new.example"), kind: EnrollmentKind.Reenroll));
    }

    [Fact]
    public void UnboundToken_IsLeftToTheProfilePolicy() =>
        Assert.Null(Run(Rule, UnboundToken(), Csr("CN=x", "bank.example")));
}
