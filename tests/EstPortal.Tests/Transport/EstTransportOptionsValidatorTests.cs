using EstPortal.Transport;
using Microsoft.Extensions.Configuration;

namespace EstPortal.Tests.Transport;

public sealed class EstTransportOptionsValidatorTests
{
    [Theory]
    [InlineData("https://0.0.0.0:8443", new string[0], true)]
    [InlineData("http://0.0.0.0:8080", new string[0], false)]
    [InlineData("http://0.0.0.0:8080", new[] { "10.0.0.0/8" }, true)]
    [InlineData("https://0.0.0.0:8443", new[] { "proxy.example" }, false)]
    [InlineData("https://0.0.0.0:8443", new[] { "10.0.0.0/33" }, false)]
    public void Validate(string estUrl, string[] proxies, bool valid)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Est:Url"] = estUrl }).Build();

        var result = new EstTransportOptionsValidator(configuration).Validate(null, new EstTransportOptions { TrustedProxies = [.. proxies] });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
            Assert.Contains("EstPortal:Est:TrustedProxies", result.FailureMessage);
    }
}
