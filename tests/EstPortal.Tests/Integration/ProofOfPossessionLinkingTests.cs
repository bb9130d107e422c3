using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using EstPortal.Est;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Integration;

/// <summary>
/// RFC 7030 §3.5: a profile can require the CSR's challengePassword to carry base64(tls-unique) of the TLS session
/// that sends it. A raw TLS 1.2 client computes tls-unique on its side, as a device's TLS stack would.
/// </summary>
public sealed class ProofOfPossessionLinkingTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string Path = "/.well-known/est/linked/simpleenroll";

    [Fact]
    public async Task LinkedCsrOverTls12_IsIssued_OtherSessionsValueIsRefused_MissingIsRefused()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("linked-device");

        var (status, body) = await EnrollOverOwnSessionAsync(device.Name, device.Secret, SslProtocols.Tls12,
            tlsUnique => TestCsr.CreateWithAttributes("CN=linked-device", TestCsr.ChallengePassword(Convert.ToBase64String(tlsUnique!))));
        Assert.True(status == 200, body);

        // A CSR made for another session (replayed or relayed) does not match this one.
        var (_, _, otherSession) = await OpenTls12SessionAsync();
        var (mismatchStatus, mismatchBody) = await EnrollOverOwnSessionAsync(device.Name, device.Secret, SslProtocols.Tls12,
            _ => TestCsr.CreateWithAttributes("CN=linked-device", TestCsr.ChallengePassword(Convert.ToBase64String(otherSession))));
        Assert.Equal(400, mismatchStatus);
        Assert.Contains("does not match this TLS session", mismatchBody);

        var (missingStatus, missingBody) = await EnrollOverOwnSessionAsync(device.Name, device.Secret, SslProtocols.Tls12,
            _ => TestCsr.Create("CN=linked-device"));
        Assert.Equal(400, missingStatus);
        Assert.Contains("challengePassword", missingBody);
    }

    [Fact]
    public async Task LinkedProfileOverTls13_IsRefusedNamingTls12()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("linked-tls13-device");

        var (status, body) = await EnrollOverOwnSessionAsync(device.Name, device.Secret, SslProtocols.Tls13,
            _ => TestCsr.CreateWithAttributes("CN=linked-tls13-device", TestCsr.ChallengePassword("AAAAAAAAAAAAAAAA")));

        Assert.Equal(400, status);
        Assert.Contains("TLS 1.2", body);
    }

    [Fact]
    public async Task CsrAttrs_OfTheLinkedProfile_AskForChallengePassword()
    {
        await EnsureProfileAsync();
        using var client = host.CreateEstClient();
        var der = Convert.FromBase64String(await client.GetStringAsync("/.well-known/est/linked/csrattrs"));
        // CsrAttrs is a SEQUENCE OF AttrOrOID (RFC 7030 §4.5.2); challengePassword is asked for as a bare OID.
        Assert.Contains(CsrAttributesEncoder.ChallengePasswordOid, Oids(der));
    }

    private static List<string> Oids(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var oids = new List<string>();
        while (reader.HasData)
        {
            if (reader.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.ObjectIdentifier))
                oids.Add(reader.ReadObjectIdentifier());
            else
                reader.ReadEncodedValue();
        }
        return oids;
    }

    [Fact]
    public async Task AProfile_CannotRequireBothLinkingAndApproval_WhenCreatedOrChanged()
    {
        var profiles = host.Services.GetRequiredService<EstPortal.Admin.ProfileAdmin>();
        var linked = CsrPolicy.Default with { RequireProofOfPossessionLinking = true };

        var added = await profiles.AddAsync("pop-approval", "popapproval", null, linked, requiresApproval: true, wrapBase64Lines: false, "test");
        Assert.False(added.Succeeded);
        Assert.Contains("approval and proof-of-possession linking", added.Error, StringComparison.Ordinal);

        await host.AddProfileAsync("pop-later", "poplater", linked);
        var changed = await profiles.UpdateAsync("pop-later", linked, requiresApproval: true, wrapBase64Lines: false, "test");
        Assert.False(changed.Succeeded);
        Assert.Contains("approval and proof-of-possession linking", changed.Error, StringComparison.Ordinal);
    }

    private async Task EnsureProfileAsync()
    {
        var profiles = await host.Services.GetRequiredService<EstPortal.Admin.ProfileAdmin>().ListAsync();
        if (!profiles.Any(p => p.Label == "linked"))
            await host.AddProfileAsync("pop-linked", "linked", CsrPolicy.Default with { RequireProofOfPossessionLinking = true });
    }

    private async Task<(TcpClient Tcp, SslStream Tls, byte[] TlsUnique)> OpenTls12SessionAsync()
    {
        var (tcp, tls) = await ConnectAsync(SslProtocols.Tls12);
        var unique = TlsChannelBinding.TlsUnique(tls) ?? throw new InvalidOperationException("no tls-unique on TLS 1.2");
        tls.Dispose();
        tcp.Dispose();
        return (tcp, tls, unique);
    }

    private async Task<(TcpClient, SslStream)> ConnectAsync(SslProtocols protocol)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", host.EstPort);
        var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
            certificate is not null && host.ChainsToCa(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate)));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        });
        return (tcp, tls);
    }

    /// <summary>One HTTP/1.1 request on a TLS session whose tls-unique the CSR is built from.</summary>
    private async Task<(int Status, string Body)> EnrollOverOwnSessionAsync(string user, string password, SslProtocols protocol, Func<byte[]?, TestCsr> makeCsr)
    {
        var (tcp, tls) = await ConnectAsync(protocol);
        using (tcp)
        await using (tls)
        {
            var csr = makeCsr(TlsChannelBinding.TlsUnique(tls));
            var body = Encoding.ASCII.GetBytes(csr.Base64);
            var head = $"POST {Path} HTTP/1.1\r\nHost: localhost:{host.EstPort}\r\n" +
                       $"Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))}\r\n" +
                       $"Content-Type: application/pkcs10\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(head));
            await tls.WriteAsync(body);
            await tls.FlushAsync();
            using var reader = new StreamReader(tls, Encoding.ASCII);
            var response = await reader.ReadToEndAsync();
            var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
            return (status, response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        }
    }
}

/// <summary>The optional Kestrel:Endpoints:EstTls12 endpoint serves EST on TLS 1.2 only, so linking clients get tls-unique.</summary>
public sealed class Tls12EndpointTests
{
    [Fact]
    public async Task EstTls12Endpoint_RefusesTls13_AndServesEstOnTls12()
    {
        var port = Loopback.FreePort();
        using var host = EstPortalHost.Create(extraSettings: new() { ["Kestrel:Endpoints:EstTls12:Url"] = $"https://127.0.0.1:{port}" });
        await host.InitializeAsync();

        using var tcp13 = new TcpClient();
        await tcp13.ConnectAsync("127.0.0.1", port);
        await using var tls13 = new SslStream(tcp13.GetStream(), false, (_, c, _, _) => c is not null);
        await Assert.ThrowsAnyAsync<Exception>(() => tls13.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls13 }));

        using var client = host.CreateClient($"https://127.0.0.1:{port}");
        using var response = await client.GetAsync("/.well-known/est/cacerts");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var portalPage = await client.GetAsync("/Account/Login");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, portalPage.StatusCode);
    }

}
