using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Transport;

namespace EstPortal.Tests.Transport;

/// <summary>The header shapes real proxies send the device's certificate in.</summary>
public sealed class ForwardedClientCertificateTests
{
    private static readonly X509Certificate2 Device = CreateCertificate();

    [Fact]
    public void NginxEscapedPem_IsTheCertificate()
    {
        // nginx $ssl_client_escaped_cert: the PEM, URL-encoded (newlines as %0A, '+' and '/' escaped too).
        var header = Uri.EscapeDataString(Device.ExportCertificatePem() + "\n");

        Assert.Equal(Device.RawData, ForwardedClientCertificate.Parse(header)!.RawData);
    }

    [Fact]
    public void EnvoyXfcc_CertElement_IsTheCertificate()
    {
        var header = $"By=spiffe://cluster.local/ns/est;Hash={Convert.ToHexStringLower(SHA256.HashData(Device.RawData))};"
            + $"Subject=\"CN=device-1,O=Acme\";Cert=\"{Uri.EscapeDataString(Device.ExportCertificatePem())}\";DNS=device-1.example";

        Assert.Equal(Device.RawData, ForwardedClientCertificate.Parse(header)!.RawData);
    }

    [Fact]
    public void EnvoyXfcc_WithSeveralHops_IsRefused_BecauseTheEdgeMustReplaceTheHeader()
    {
        var element = $"Cert=\"{Uri.EscapeDataString(Device.ExportCertificatePem())}\"";

        var failure = Assert.Throws<FormatException>(() => ForwardedClientCertificate.Parse(element + "," + element));

        Assert.Contains("SANITIZE_SET", failure.Message);
    }

    [Fact]
    public void Base64DerWithoutArmour_IsTheCertificate() =>
        Assert.Equal(Device.RawData, ForwardedClientCertificate.Parse(Uri.EscapeDataString(Convert.ToBase64String(Device.RawData)))!.RawData);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void EmptyHeader_MeansNoCertificate(string? header) => Assert.Null(ForwardedClientCertificate.Parse(header));

    [Theory]
    [InlineData("garbage")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    [InlineData("Cert=\"%%%\"")]
    public void Garbage_IsAFormatException(string header) => Assert.Throws<FormatException>(() => ForwardedClientCertificate.Parse(header));

    [Fact]
    public void TrustedProxies_MatchAddressesAndNetworks_IncludingIPv4MappedPeers()
    {
        var proxies = new TrustedProxies(["10.1.0.0/16", "192.0.2.10", "2001:db8::/32"]);

        Assert.True(proxies.Contains(IPAddress.Parse("10.1.200.3")));
        Assert.True(proxies.Contains(IPAddress.Parse("192.0.2.10")));
        Assert.True(proxies.Contains(IPAddress.Parse("::ffff:192.0.2.10")));
        Assert.True(proxies.Contains(IPAddress.Parse("2001:db8::5")));
        Assert.False(proxies.Contains(IPAddress.Parse("192.0.2.11")));
        Assert.False(proxies.Contains(IPAddress.Parse("10.2.0.1")));
        Assert.False(proxies.Contains(null));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=device-1", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }
}
