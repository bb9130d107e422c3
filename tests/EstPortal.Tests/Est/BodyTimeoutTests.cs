using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Est;

/// <summary>A client that announces a body and then stops sending it is the client's failure: 408, not a 500 of ours.</summary>
public sealed class BodyTimeoutTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task StalledBody_Answers408TextPlain_AndTheServerKeepsServing()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.EstPort);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
            certificate is not null && host.ChainsToCa(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate)));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ApplicationProtocols = [SslApplicationProtocol.Http11] });

        // Headers promise 2,000 bytes; four arrive, then nothing. Kestrel's minimum body data rate (240 B/s after a 5 s
        // grace period) ends the wait.
        await tls.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /.well-known/est/simpleenroll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs10\r\n"
            + "Authorization: Basic ZGV2aWNlOnNlY3JldA==\r\nContent-Length: 2000\r\n\r\nMIIB"));
        await tls.FlushAsync();
        var stopwatch = Stopwatch.StartNew();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = await ReadToEndAsync(tls, timeout.Token);

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("Content-Type: text/plain", answer);
        Assert.Contains("did not arrive in time", answer);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));

        using var client = host.CreateEstClient();
        using var cacerts = await client.GetAsync("/.well-known/est/cacerts");
        Assert.Equal(HttpStatusCode.OK, cacerts.StatusCode);
    }

    /// <summary>Everything the server sends until it closes the connection (it does, after a 408).</summary>
    private static async Task<string> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // A reset after the answer: what was read is what counts.
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
