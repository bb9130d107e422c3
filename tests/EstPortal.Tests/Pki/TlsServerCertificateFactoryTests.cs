using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

public sealed class TlsServerCertificateFactoryTests : IDisposable
{
    private readonly FakeTimeProvider _clock = TestPki.Clock();
    private readonly SoftwareCaSigner _ca;
    private readonly TlsServerCertificateFactory _factory;

    public TlsServerCertificateFactoryTests()
    {
        _ca = TestPki.CreateCa(_clock);
        _factory = new TlsServerCertificateFactory(new CertificateIssuer(_clock, new SerialNumberGenerator(TimeProvider.System)));
    }

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void Create_HostNames_CoversThemPlusLoopbackWithServerAuthAndPrivateKey()
    {
        using var cert = _factory.Create(_ca, ["est.example.com", "[2001:db8::1]", "192.0.2.7", "EST.example.com", "0.0.0.0"]);

        Assert.True(cert.HasPrivateKey);
        Assert.Equal("CN=est.example.com", cert.Subject);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["est.example.com", "localhost"], san.EnumerateDnsNames());
        Assert.Equal(
            new[] { "2001:db8::1", "192.0.2.7", "127.0.0.1", "::1" },
            san.EnumerateIPAddresses().Select(a => a.ToString()));
        Assert.Equal(
            ["1.3.6.1.5.5.7.3.1"],
            cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        using var key = cert.GetECDsaPrivateKey();
        Assert.Equal(256, key!.KeySize);
    }

    [Fact]
    public void Create_NoHostNames_UsesLocalhost()
    {
        using var cert = _factory.Create(_ca, []);

        Assert.Equal("CN=localhost", cert.Subject);
        Assert.True(cert.MatchesHostname("localhost"));
        Assert.True(cert.MatchesHostname("127.0.0.1"));
    }

    [Fact]
    public void Create_Validity_IsOneYearClampedByTheCa()
    {
        using var shortCa = TestPki.CreateCa(_clock, validity: TimeSpan.FromDays(100));

        using var normal = _factory.Create(_ca, ["a.example"]);
        using var clamped = _factory.Create(shortCa, ["a.example"]);

        Assert.Equal(TestPki.Now.AddDays(365), new DateTimeOffset(normal.NotAfter.ToUniversalTime()));
        Assert.Equal(shortCa.Certificate.NotAfter, clamped.NotAfter);
    }

    [Theory]
    [InlineData("bad name with spaces")]
    [InlineData("-leading-hyphen.example")]
    [InlineData("under_score.example")]
    [InlineData("double..dot.example")]
    public void Create_InvalidDnsName_ThrowsArgumentException(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => _factory.Create(_ca, [name]));

        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void Create_WildcardAndInternationalNames_AreAccepted()
    {
        using var cert = _factory.Create(_ca, ["*.est.example", "bücher.example"]);

        Assert.True(cert.MatchesHostname("device.est.example"));
        Assert.Contains("xn--bcher-kva.example", cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public async Task Create_Certificate_ServesATlsHandshakeThatChainsToTheCa()
    {
        // The real clock: SslStream validates against the current time, so issue at the real now.
        using var ca = TestPki.CreateCa(TimeProvider.System);
        var factory = new TlsServerCertificateFactory(new CertificateIssuer(TimeProvider.System, new SerialNumberGenerator(TimeProvider.System)));
        using var serverCert = factory.Create(ca, ["localhost"]);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync(timeout.Token);
            await using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificate = serverCert }, timeout.Token);
            await tls.WriteAsync(new byte[] { 42 }, timeout.Token);
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca.Certificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
            timeout.Token);
        var buffer = new byte[1];
        await clientTls.ReadExactlyAsync(buffer, timeout.Token);
        await serverTask;

        Assert.Equal(42, buffer[0]);
        Assert.Equal(serverCert.Thumbprint, clientTls.RemoteCertificate!.GetCertHashString());
    }
}
