using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Coap;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Coap;

/// <summary>
/// RFC 9148 §3 "who is calling" over CoAP/DTLS, through the same enrollment pipeline as HTTPS: a board's manufacturer
/// certificate (IDevID) as the DTLS client certificate on a profile that trusts its anchor (libcoap's real client), and
/// RFC 7030 §3.5 proof-of-possession linking to the DTLS session's tls-unique (our BouncyCastle client, which can read
/// its own tls-unique; libcoap's command-line client cannot put it into a CSR).
/// </summary>
public sealed class CoapsCallerTests(CoapsCallerFixture fixture) : IClassFixture<CoapsCallerFixture>
{
    private CoapsHost Coaps => fixture.Coaps;
    private EstPortalHost Host => fixture.Coaps.Host;

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Idevid_OfAKnownBoard_EnrollsWithLibcoap_AsThatDevice()
    {
        var device = await fixture.AddDeviceAsync("coap-board-", idevid: fixture.Unique("SN"));
        var board = await fixture.BoardAsync("acme", device.Name, $"/serialNumber={device.Idevid}/CN=Acme board");

        var answer = await SenAsync(board, fixture.AcmeLabel, $"CN={device.Name}");

        Assert.True(answer.Payload is not null, answer.Output);
        var issued = X509CertificateLoader.LoadCertificate(answer.Payload);
        Assert.Equal($"CN={device.Name}", issued.Subject);
        Assert.True(Host.ChainsToCa(issued));
        var stored = (await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(device.Name))!;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(board.Certificate.RawData));
        Assert.Equal(sha256, stored.IdevidSha256);
        Assert.Single(await Host.Services.GetRequiredService<DeviceAdmin>().CertificatesOfAsync(stored.Id));
        // Audited as over HTTPS, naming the IDevID and the front door.
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var audited = await db.AuditEvents.SingleAsync(e => e.SerialNumber == issued.SerialNumber);
        Assert.Contains("over coaps", audited.Details);
        Assert.Contains(sha256, audited.Details);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Idevid_OfAnUnknownBoard_Answers403NamingTheRule()
    {
        var name = fixture.Unique("coap-stranger-");
        var board = await fixture.BoardAsync("acme", name, $"/serialNumber={name}");

        var answer = await SenAsync(board, fixture.AcmeLabel, $"CN={name}");

        Assert.True(answer.Says("4.03"), answer.Output);
        Assert.Contains("idevid-device: no device is known by serialNumber", answer.Output);
        Assert.Null(await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(name));
    }

    /// <summary>
    /// The handshake accepts any client certificate (it only proves the key): one the rules do not accept is refused
    /// with a CoAP answer — here the known board's IDevID on a profile that names no manufacturer anchor, and a board
    /// whose IDevID comes from a manufacturer no profile trusts.
    /// </summary>
    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Idevid_OnAProfileWithoutItsAnchor_OrFromAForeignManufacturer_IsRefused()
    {
        var device = await fixture.AddDeviceAsync("coap-unanchored-", idevid: fixture.Unique("SN"));
        var board = await fixture.BoardAsync("acme", device.Name, $"/serialNumber={device.Idevid}");
        var foreign = await fixture.BoardAsync("other", device.Name + "-foreign", $"/serialNumber={device.Idevid}");

        var withoutAnchor = await SenAsync(board, label: null, $"CN={device.Name}");
        var fromForeign = await SenAsync(foreign, fixture.AcmeLabel, $"CN={device.Name}");

        // As over HTTPS: no credential at all on the profile without the anchor (4.01), a stranger's IDevID (4.03).
        Assert.True(withoutAnchor.Says("4.01"), withoutAnchor.Output);
        Assert.True(fromForeign.Says("4.03"), fromForeign.Output);
        Assert.Contains("not an accepted IDevID", fromForeign.Output);
        var stored = (await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(device.Name))!;
        Assert.Empty(await Host.Services.GetRequiredService<DeviceAdmin>().CertificatesOfAsync(stored.Id));
    }

    [Fact]
    public async Task Linking_CsrCarryingThisDtlsSessionsTlsUnique_IsIssued_MissingOrOtherSessionsValueIsRefused()
    {
        using var dir = new ToolWorkspace();
        var device = await Coaps.EnrolledDeviceAsync(dir, fixture.Unique("coap-linked-"));
        var subject = $"CN={device.Name}";

        using (var session = Connect(device))
        {
            var csr = TestCsr.CreateWithAttributes(subject, TestCsr.ChallengePassword(Convert.ToBase64String(session.TlsUnique!)));
            var linked = Post(session, fixture.LinkedLabel, csr.Der);
            Assert.True(linked.Code == CoapCodes.Changed, Diagnostic(linked));
            Assert.Equal(subject, X509CertificateLoader.LoadCertificate(linked.Payload).Subject);
        }

        byte[] otherSessionsValue;
        using (var other = Connect(device))
            otherSessionsValue = other.TlsUnique!;
        using (var session = Connect(device))
        {
            var replayed = Post(session, fixture.LinkedLabel,
                TestCsr.CreateWithAttributes(subject, TestCsr.ChallengePassword(Convert.ToBase64String(otherSessionsValue))).Der);
            Assert.Equal(CoapCodes.BadRequest, replayed.Code);
            Assert.Contains("does not match this TLS session", Diagnostic(replayed));

            var unlinked = Post(session, fixture.LinkedLabel, TestCsr.Create(subject).Der);
            Assert.Equal(CoapCodes.BadRequest, unlinked.Code);
            Assert.Contains("challengePassword", Diagnostic(unlinked));
        }
    }

    private async Task<CoapClientTool.Answer> SenAsync(DeviceFiles board, string? label, string subject)
    {
        var dir = fixture.Workspace;
        var csr = dir.Write($"{Guid.NewGuid():N}.csr.der", TestCsr.Create(subject).Der);
        // coap-client-openssl -m post -t 286 -A 287 -f board.csr.der -c idevid.pem -j idevid.key -C ca.pem -o out URL/[label/]sen
        return await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, Coaps.EstUrl("sen", label), board, fixture.CaPem,
            "-m", "post", "-t", "286", "-A", "287", "-f", csr);
    }

    private TestDtlsClient Connect(DeviceFiles device) =>
        TestDtlsClient.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, new Uri(Coaps.Url).Port), device.Certificate, device.Key);

    private static ushort _messageId;

    private static CoapMessage Post(TestDtlsClient session, string label, byte[] csr)
    {
        var request = CoapCodec.Encode(new CoapMessage(CoapMessageType.Confirmable, CoapCodes.Post, ++_messageId, [7, 7],
        [
            new CoapOption(CoapOptionNumbers.UriPath, ".well-known"u8.ToArray()),
            new CoapOption(CoapOptionNumbers.UriPath, "est"u8.ToArray()),
            new CoapOption(CoapOptionNumbers.UriPath, System.Text.Encoding.ASCII.GetBytes(label)),
            new CoapOption(CoapOptionNumbers.UriPath, "sen"u8.ToArray()),
            new CoapOption(CoapOptionNumbers.ContentFormat, CoapUint.Encode(286)),
            new CoapOption(CoapOptionNumbers.Accept, CoapUint.Encode(287)),
        ], csr));
        Assert.True(CoapCodec.TryDecode(session.Exchange(request, 30_000) ?? [], out var reply, out var error), error);
        return reply;
    }

    private static string Diagnostic(CoapMessage reply) => $"{reply.Code >> 5}.{reply.Code & 31:00} {System.Text.Encoding.UTF8.GetString(reply.Payload)}";
}

/// <summary>The CoAP host with a manufacturer anchor "acme" (and a manufacturer "other" it does not trust), a profile trusting "acme" and a linking profile.</summary>
public sealed class CoapsCallerFixture : IAsyncLifetime
{
    private int _next;

    public CoapsHost Coaps { get; } = new();
    public ToolWorkspace Workspace { get; } = new();
    public ManufacturerPki Manufacturer => new(Workspace);
    public string AcmeLabel => "coapacme";
    public string LinkedLabel => "coaplinked";
    public string CaPem { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Coaps.InitializeAsync();
        var host = Coaps.Host;
        CaPem = Workspace.WriteCaPem(host.CaCertificate);
        await host.AddProfileAsync("coap-linked", LinkedLabel,
            CsrPolicy.Default with { RequireProofOfPossessionLinking = true, AcceptReenrollmentFrom = ["default"] });
        if (ExternalTool.Find("openssl") is null)
            return;
        await Manufacturer.CreateCaAsync("acme", "/O=Acme Boards/CN=Acme IDevID CA");
        await Manufacturer.CreateCaAsync("other", "/O=Someone Else/CN=Other IDevID CA");
        var anchor = await host.Services.GetRequiredService<TrustAnchorAdmin>()
            .AddAsync("acme", Workspace.ReadText("acme.pem"), TrustAnchorPurpose.ManufacturerIdentity, "test");
        Assert.True(anchor.Succeeded, anchor.Error);
        await host.AddProfileAsync("coap-acme", AcmeLabel, CsrPolicy.Default with { Idevid = new IdevidPolicy { TrustAnchors = ["acme"] } });
    }

    public string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref _next)}";

    public async Task<Device> AddDeviceAsync(string prefix, string? idevid)
    {
        var name = Unique(prefix);
        var devices = Coaps.Host.Services.GetRequiredService<DeviceAdmin>();
        var added = await devices.AddAsync(name, null, [], idevid, "test");
        Assert.True(added.Succeeded, added.Error);
        return (await devices.FindAsync(name))!;
    }

    /// <summary>A board's IDevID from manufacturer <paramref name="ca"/>, as the PEM certificate and key files libcoap loads.</summary>
    public async Task<DeviceFiles> BoardAsync(string ca, string board, string subject)
    {
        await Manufacturer.IssueAsync(ca, board, new IdevidSpec(subject));
        var certificate = Manufacturer.LoadWithKey(board);
        return new DeviceFiles(board, certificate, Manufacturer.PemPath(board), Manufacturer.KeyPath(board), certificate.GetECDsaPrivateKey()!);
    }

    public async Task DisposeAsync()
    {
        await Coaps.DisposeAsync();
        Workspace.Dispose();
    }
}
