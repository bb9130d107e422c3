using System.Security.Cryptography.X509Certificates;
using EstPortal.Coap;
using EstPortal.Tests.Support;
using Org.BouncyCastle.Cms;

namespace EstPortal.Tests.Coap;

/// <summary>EST over secure CoAP (RFC 9148) driven by libcoap's real clients, over both of its DTLS stacks.</summary>
public sealed class CoapsInteropTests(CoapsHost coaps) : IClassFixture<CoapsHost>
{
    private EstPortalHost Host => coaps.Host;

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Crts_WithOpenSslClient_ReturnsCertsOnlyDerWithOurCa() => await CrtsAsync(CoapClientTool.OpenSsl);

    [RequiresToolFact(CoapClientTool.GnuTls)]
    public async Task Crts_WithGnuTlsClient_ReturnsCertsOnlyDerWithOurCa() => await CrtsAsync(CoapClientTool.GnuTls);

    private async Task CrtsAsync(string tool)
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-crts-" + Suffix());

        // coap-client -m get -c dev.crt.pem -j dev.key.pem -C ca.pem -A 281 -o out coaps://127.0.0.1:P/.well-known/est/crts
        var answer = await CoapClientTool.RunAsync(tool, dir, coaps.EstUrl("crts"), device, ca, "-m", "get", "-A", "281");

        Assert.True(answer.Payload is not null, answer.Output);
        var certificates = CertsOnly(answer.Payload);
        Assert.Contains(certificates, c => c.Thumbprint == Host.CaCertificate.Thumbprint);
    }

    internal static List<X509Certificate2> CertsOnly(byte[] der) =>
        [.. new CmsSignedData(der).GetCertificates().EnumerateMatches(null).Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded()))];

    internal static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
