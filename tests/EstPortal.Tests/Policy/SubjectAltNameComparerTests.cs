using System.Net;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;

namespace EstPortal.Tests.Policy;

public sealed class SubjectAltNameComparerTests
{
    private static X509Extension San(Action<SubjectAlternativeNameBuilder> add)
    {
        var builder = new SubjectAlternativeNameBuilder();
        add(builder);
        return builder.Build();
    }

    [Fact]
    public void DnsCaseOrderAndUriHost_DoNotMatter()
    {
        var a = San(b => { b.AddDnsName("AP1.Plant.Example"); b.AddUri(new Uri("HTTPS://Plant.Example/Path")); b.AddIpAddress(IPAddress.Parse("10.0.0.1")); });
        var b = San(b => { b.AddIpAddress(IPAddress.Parse("10.0.0.1")); b.AddUri(new Uri("https://plant.example/Path")); b.AddDnsName("ap1.plant.example"); });
        Assert.Null(SubjectAltNameComparer.Difference(a, b));
    }

    [Fact]
    public void AnotherName_ShowsBothSides()
    {
        var a = San(b => b.AddDnsName("ap1.plant.example"));
        var b = San(b => b.AddDnsName("bank.example"));
        Assert.Equal("'DNS:ap1.plant.example' vs 'DNS:bank.example'", SubjectAltNameComparer.Difference(a, b));
    }

    [Fact]
    public void UriPath_IsCaseSensitive()
    {
        var a = San(b => b.AddUri(new Uri("https://plant.example/Path")));
        var b = San(b => b.AddUri(new Uri("https://plant.example/path")));
        Assert.NotNull(SubjectAltNameComparer.Difference(a, b));
    }

    [Fact]
    public void MissingOnOneSide_IsADifference()
    {
        Assert.Equal("'DNS:a.example' vs (none)", SubjectAltNameComparer.Difference(San(b => b.AddDnsName("a.example")), (X509Extension?)null));
        Assert.Null(SubjectAltNameComparer.Difference((X509Extension?)null, null));
    }
}
