using System.Net;
using EstPortal.Data;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Transport;

/// <summary>
/// The EST endpoint on plain HTTP behind a TLS-terminating reverse proxy that the app trusts at 127.0.0.1 (as nginx
/// with <c>proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert</c> would be); 127.0.0.2 plays a caller that
/// reached the app without going through the proxy.
/// </summary>
public sealed class ReverseProxyTests(ReverseProxyTests.ProxiedHost fixture) : IClassFixture<ReverseProxyTests.ProxiedHost>
{
    private static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.2");
    private EstPortalHost Host => fixture.Host;

    [Fact]
    public async Task PlainHttpEst_WithoutTrustedProxies_DoesNotStart_NamingBothSettings()
    {
        var failure = await EstPortalHost.StartupFailureAsync(new() { ["Kestrel:Endpoints:Est:Url"] = $"http://127.0.0.1:{Loopback.FreePort()}" });

        Assert.Contains("Kestrel:Endpoints:Est:Url", failure.ToString());
        Assert.Contains("EstPortal:Est:TrustedProxies", failure.ToString());
    }

    [Fact]
    public async Task Reenroll_WithCertificateForwardedByTheTrustedProxy_IsIssued_AndAuditedWithTheDevicesAddress()
    {
        var (csr, current) = await fixture.EnrollThroughProxyAsync("proxied-device");
        using var proxy = fixture.ProxyClient();

        using var response = await ForwardAsync(proxy, "simplereenroll", TestCsr.Create("CN=proxied-device", key: (System.Security.Cryptography.ECDsa)csr.Key).Base64,
            Uri.EscapeDataString(current.ExportCertificatePem()), forwardedFor: "198.51.100.7");

        var renewed = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal("CN=proxied-device", renewed.Subject);
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var audited = await db.AuditEvents.Where(e => e.Actor == $"certificate:{current.SerialNumber}").ToListAsync();
        Assert.Contains(audited, e => e.Outcome == EstPortal.Data.Entities.AuditOutcomes.Success && e.ClientIp == "198.51.100.7");
    }

    [Fact]
    public async Task ForwardedCertificate_FromAnAddressThatIsNotATrustedProxy_IsNotBelieved()
    {
        var (_, current) = await fixture.EnrollThroughProxyAsync("bypass-device");
        using var bypass = Host.CreateClient(fixture.EstHttpUrl, localAddress: Untrusted);

        using var response = await ForwardAsync(bypass, "simplereenroll", TestCsr.Create("CN=bypass-device").Base64, Uri.EscapeDataString(current.ExportCertificatePem()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("only from the configured reverse proxies", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OverTls_ForwardedCertificate_IsBelievedFromTheTrustedProxyOnly()
    {
        // EST on https (a proxy that re-encrypts to the app): the same header with a valid certificate authenticates the
        // re-enrollment from 127.0.0.1 and is ignored from 127.0.0.2, whose request then carries no certificate at all.
        await using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:Est:TrustedProxies:0"] = "127.0.0.1/32" });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("tls-proxied-device");
        var csr = TestCsr.Create("CN=tls-proxied-device");
        using var direct = host.CreateEstClient();
        using var enrolled = await PostAsync(direct, "/.well-known/est/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        var current = await EstResponses.ReadIssuedCertificateAsync(enrolled);
        var header = Uri.EscapeDataString(current.ExportCertificatePem());

        using var untrusted = host.CreateClient(host.EstUrl, localAddress: Untrusted);
        using var ignored = await ForwardAsync(untrusted, "simplereenroll", TestCsr.Create("CN=tls-proxied-device").Base64, header);
        Assert.Equal(HttpStatusCode.Forbidden, ignored.StatusCode);
        Assert.Contains("requires the TLS client certificate", await ignored.Content.ReadAsStringAsync());

        using var trusted = host.CreateEstClient();
        using var believed = await ForwardAsync(trusted, "simplereenroll", TestCsr.Create("CN=tls-proxied-device").Base64, header);
        Assert.Equal("CN=tls-proxied-device", (await EstResponses.ReadIssuedCertificateAsync(believed)).Subject);
    }

    [Theory]
    [InlineData("not-a-certificate")]
    [InlineData("-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----")]
    [InlineData("%E0%A4%A")]
    public async Task GarbageForwardedCertificate_Returns400WithReason(string header)
    {
        using var proxy = fixture.ProxyClient();

        using var response = await ForwardAsync(proxy, "simplereenroll", TestCsr.Create("CN=garbage").Base64, header);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-SSL-Client-Cert", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProfileRequiringTlsUniqueLinking_ThroughTheProxy_IsRefusedSayingWhy()
    {
        await Host.AddProfileAsync("proxied-linked", "proxylinked", CsrPolicy.Default with { RequireProofOfPossessionLinking = true });
        var device = await Host.AddDeviceAsync("proxied-linked-device");
        using var proxy = fixture.ProxyClient();

        using var response = await PostAsync(proxy, "/.well-known/est/proxylinked/simpleenroll",
            TestCsr.CreateWithAttributes("CN=proxied-linked-device", TestCsr.ChallengePassword("AAAAAAAAAAAAAAAA")).Base64, Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reverse proxy", await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> ForwardAsync(HttpClient client, string operation, string body, string forwardedCertificate, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/" + operation)
        {
            Content = new StringContent(body, System.Text.Encoding.ASCII, Pkcs10),
        };
        request.Headers.TryAddWithoutValidation("X-SSL-Client-Cert", forwardedCertificate);
        if (forwardedFor is not null)
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    /// <summary>The app with its EST endpoint on plain HTTP, trusting the proxy at 127.0.0.1.</summary>
    public sealed class ProxiedHost : IAsyncLifetime
    {
        private static readonly int EstPort = Loopback.FreePort();

        public EstPortalHost Host { get; } = EstPortalHost.Create(extraSettings: new()
        {
            ["Kestrel:Endpoints:Est:Url"] = $"http://127.0.0.1:{EstPort}",
            ["EstPortal:Est:TrustedProxies:0"] = "127.0.0.1",
        });

        public string EstHttpUrl => $"http://127.0.0.1:{EstPort}";

        public HttpClient ProxyClient() => Host.CreateClient(EstHttpUrl);

        /// <summary>A first enrollment through the proxy with a device credential; the certificate is the one to renew.</summary>
        public async Task<(TestCsr Csr, System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate)> EnrollThroughProxyAsync(string name)
        {
            var device = await Host.AddDeviceAsync(name);
            var csr = TestCsr.Create("CN=" + name);
            using var proxy = ProxyClient();
            using var response = await PostAsync(proxy, "/.well-known/est/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
            return (csr, await EstResponses.ReadIssuedCertificateAsync(response));
        }

        public Task InitializeAsync() => Host.InitializeAsync();

        public Task DisposeAsync() => Host.DisposeAsync();
    }
}
