using EstPortal.Policy;

namespace EstPortal.Tests.Policy;

public sealed class DeviceSubjectAltNamePatternsTests
{
    private static GeneralNameEntry Dns(string value) => new(SubjectAltNameType.Dns, value, "dNSName");

    [Fact]
    public void TypedPattern_WithDevice_MatchesOnlyThatDevicesName()
    {
        var patterns = DeviceSubjectAltNamePatterns.Parse(@"DNS:{device}\.plant\.example");
        Assert.NotNull(DeviceSubjectAltNamePatterns.Match(patterns, Dns("ap1.plant.example"), "ap1"));
        Assert.NotNull(DeviceSubjectAltNamePatterns.Match(patterns, Dns("AP1.plant.example"), "ap1"));
        Assert.Null(DeviceSubjectAltNamePatterns.Match(patterns, Dns("ap2.plant.example"), "ap1"));
        Assert.Null(DeviceSubjectAltNamePatterns.Match(patterns, Dns("ap1.plant.example.evil"), "ap1"));
        // A typed pattern says nothing about other types.
        Assert.Null(DeviceSubjectAltNamePatterns.Match(patterns, new GeneralNameEntry(SubjectAltNameType.Uri, "ap1.plant.example", "uniformResourceIdentifier"), "ap1"));
    }

    [Fact]
    public void DeviceName_IsEscaped_SoItsDotsAreLiteral()
    {
        var patterns = DeviceSubjectAltNamePatterns.Parse("{device}");
        Assert.NotNull(DeviceSubjectAltNamePatterns.Match(patterns, Dns("a.b"), "a.b"));
        Assert.Null(DeviceSubjectAltNamePatterns.Match(patterns, Dns("axb"), "a.b"));
    }

    [Fact]
    public void NoPatterns_MatchNothing()
    {
        Assert.Null(DeviceSubjectAltNamePatterns.Match(DeviceSubjectAltNamePatterns.Parse(null), Dns("ap1"), "ap1"));
    }

    [Fact]
    public void Validate_NamesTheBadPattern()
    {
        var (patterns, errors) = DeviceSubjectAltNamePatterns.Validate(["dns:ok\\.example", "ip:10\\.(", "dns:"]);
        Assert.Single(patterns);
        Assert.Contains(errors, e => e.Contains("'ip:10\\.('") && e.Contains("not a valid regular expression"));
        Assert.Contains(errors, e => e.Contains("'dns:'") && e.Contains("empty"));
    }

    [Fact]
    public void StoreAndParse_RoundTrip()
    {
        var (patterns, _) = DeviceSubjectAltNamePatterns.Validate(["Dns:{device}.a", "10\\.0\\..*"]);
        Assert.Equal(["dns:{device}.a", "10\\.0\\..*"], DeviceSubjectAltNamePatterns.Parse(DeviceSubjectAltNamePatterns.Store(patterns)).Select(p => p.ToString()));
    }
}
