using System.Security.Cryptography.X509Certificates;
using EstPortal.Coap;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Sen_WithOpenSslClient_IssuesAPkixCertForTheDevice() => await SenAsync(CoapClientTool.OpenSsl, blockWise: false);

    [RequiresToolFact(CoapClientTool.GnuTls)]
    public async Task Sen_WithGnuTlsClientInBlocksOf64Bytes_IssuesAPkixCertForTheDevice() => await SenAsync(CoapClientTool.GnuTls, blockWise: true);

    private async Task SenAsync(string tool, bool blockWise)
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-sen-" + Suffix());
        var csr = dir.Write("new.csr.der", TestCsr.Create($"CN={device.Name}").Der);

        // coap-client -m post -t 286 -A 287 [-b 64] -f new.csr.der -c dev.crt.pem -j dev.key.pem -C ca.pem -o out URL/sen
        string[] args = ["-m", "post", "-t", "286", "-A", "287", "-f", csr, .. blockWise ? new[] { "-b", "64" } : []];
        var answer = await CoapClientTool.RunAsync(tool, dir, coaps.EstUrl("sen"), device, ca, args);

        Assert.True(answer.Payload is not null, answer.Output);
        // RFC 9148 §4.4: binary DER, never base64.
        var issued = X509CertificateLoader.LoadCertificate(answer.Payload);
        Assert.Equal($"CN={device.Name}", issued.Subject);
        Assert.NotEqual(device.Certificate.SerialNumber, issued.SerialNumber);
        Assert.True(Host.ChainsToCa(issued));
        var contexts = Host.Services.GetRequiredService<IDbContextFactory<EstPortal.Data.EstPortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var audited = await db.AuditEvents.SingleAsync(e => e.SerialNumber == issued.SerialNumber);
        Assert.Contains("over coaps", audited.Details);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Sren_WithTheCurrentCertificate_RenewsItAndAnswersPkcs7WhenAskedFor()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-sren-" + Suffix());
        var csr = dir.Write("renew.csr.der", TestCsr.Create($"CN={device.Name}").Der);

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("sren"), device, ca,
            "-m", "post", "-t", "286", "-A", "281", "-f", csr);

        Assert.True(answer.Payload is not null, answer.Output);
        var renewed = Assert.Single(CertsOnly(answer.Payload));
        Assert.Equal(device.Certificate.SubjectName.RawData, renewed.SubjectName.RawData);
        Assert.NotEqual(device.Certificate.SerialNumber, renewed.SerialNumber);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Sen_WithAnotherDevicesNameInTheCsr_Answers400WithTheRuleInTheDiagnosticPayload()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-own-" + Suffix());
        var other = await Host.AddDeviceAsync("coap-other-" + Suffix());
        var csr = dir.Write("other.csr.der", TestCsr.Create($"CN={other.Name}").Der);

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("sen"), device, ca,
            "-m", "post", "-t", "286", "-f", csr);

        Assert.True(answer.Says("4.00"), answer.Output);
        Assert.Contains(other.Name, answer.Output);
        // Audited like any refusal, naming the front door.
        var contexts = Host.Services.GetRequiredService<IDbContextFactory<EstPortal.Data.EstPortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var refusal = await db.AuditEvents.Where(e => e.Actor == $"certificate:{device.Certificate.SerialNumber}" && e.Outcome == "Failure").SingleAsync();
        Assert.Contains("over coaps", refusal.Details);
        Assert.Contains(other.Name, refusal.Reason);
        Assert.Null(answer.Payload is { } p && p.Length > 0 && p[0] == 0x30 ? p : null);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Sen_OnAProfileThatRequiresApproval_Answers503WithMaxAgeAndIssuesNothing()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var label = "approve" + Suffix();
        await Host.AddProfileAsync("coap-" + label, label, EstPortal.Policy.CsrPolicy.Default with { AcceptReenrollmentFrom = ["default"] }, requiresApproval: true);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-pend-" + Suffix());
        var csr = dir.Write("p.csr.der", TestCsr.Create($"CN={device.Name}").Der);

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("sen", label), device, ca,
            "-m", "post", "-t", "286", "-f", csr, "-v", "6");

        Assert.True(answer.Says("5.03"), answer.Output);
        Assert.Contains("Max-Age:60", answer.Output); // EstPortal:PendingRetryAfterSeconds
        Assert.Contains("approval", answer.Output);
        Assert.Equal(0, await IssuedCountAsync($"CN={device.Name}"));
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Sen_WithAnotherContentFormat_Answers415()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-415-" + Suffix());
        var csr = dir.Write("c.csr.der", TestCsr.Create($"CN={device.Name}").Der);

        // -t 0: text/plain, not application/pkcs10 (286).
        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("sen"), device, ca, "-m", "post", "-t", "0", "-f", csr);

        Assert.True(answer.Says("4.15"), answer.Output);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Crts_AskingForAnUnsupportedFormat_Answers406()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-406-" + Suffix());

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("crts"), device, ca, "-m", "get", "-A", "50");

        Assert.True(answer.Says("4.06"), answer.Output);
        Assert.Null(answer.Payload);
    }

    [RequiresToolFact(CoapClientTool.GnuTls)]
    public async Task Skg_WithGnuTlsClientInBlocks_ReturnsMultipartCoreWithAPkcs8KeyMatchingTheCertificate() =>
        await ServerKeyGenAsync("skg", CoapContentFormats.Pkcs7CertsOnly);

    [RequiresToolFact(CoapClientTool.GnuTls)]
    public async Task Skc_ReturnsMultipartCoreWithAPkcs8KeyAndAPkixCert() =>
        await ServerKeyGenAsync("skc", CoapContentFormats.PkixCert);

    private async Task ServerKeyGenAsync(string operation, int certificateFormat)
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-skg-" + Suffix());
        var csr = dir.Write("skg.csr.der", TestCsr.Create($"CN={device.Name}").Der);

        // -b 64: the answer (key + certificate, ~1 KiB) comes back in 64-byte Block2 pieces of one POST's answer.
        var answer = await CoapClientTool.RunAsync(CoapClientTool.GnuTls, dir, coaps.EstUrl(operation), device, ca,
            "-m", "post", "-t", "286", "-A", "62", "-b", "64", "-f", csr, "-v", "7");

        Assert.True(answer.Payload is not null, answer.Output);
        Assert.True(answer.Payload[0] == 0x84, answer.Output);
        // The answer came back in 64-byte Block2 pieces of the one POST, each later one asked for by the client.
        Assert.Contains("Block2:1/M/64", answer.Output);
        var parts = MultipartCoreReader.Read(answer.Payload);
        Assert.Equal([CoapContentFormats.Pkcs8, certificateFormat], parts.Select(p => p.Format));
        var certificate = certificateFormat == CoapContentFormats.PkixCert
            ? X509CertificateLoader.LoadCertificate(parts[1].Bytes)
            : Assert.Single(CertsOnly(parts[1].Bytes));
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportPkcs8PrivateKey(parts[0].Bytes, out _);
        Assert.Equal(certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.Equal(1, await IssuedCountAsync(certificate.Subject));
    }

    /// <summary>Certificates issued for <paramref name="subject"/> besides the one enrolled over HTTPS first.</summary>
    private async Task<int> IssuedCountAsync(string subject)
    {
        var contexts = Host.Services.GetRequiredService<IDbContextFactory<EstPortal.Data.EstPortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await db.IssuedCertificates.CountAsync(c => c.Subject == subject) - 1;
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Att_ReturnsCsrAttrsAsContentFormat285()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-att-" + Suffix());

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("att"), device, ca, "-m", "get", "-A", "285");

        Assert.DoesNotContain("4.", answer.Output);
        if (answer.Payload is { } der)
            Assert.Equal(0x30, der[0]); // a DER SEQUENCE (CsrAttrs, RFC 7030 §4.5.2), not base64
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task WellKnownCore_ListsTheEstResourcesWithResourceTypesAndContentFormats()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);
        var device = await coaps.EnrolledDeviceAsync(dir, "coap-core-" + Suffix());

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, $"{coaps.Url}/.well-known/core", device, ca, "-m", "get");

        Assert.True(answer.Payload is not null, answer.Output);
        var links = System.Text.Encoding.UTF8.GetString(answer.Payload);
        Assert.Contains("</.well-known/est/crts>;rt=\"ace.est.crts\";ct=281", links);
        Assert.Contains("</.well-known/est/sen>;rt=\"ace.est.sen\";ct=\"287 281\"", links);
        Assert.Contains("</.well-known/est/skg>;rt=\"ace.est.skg\";ct=62", links);
        Assert.Contains("</.well-known/est/att>;rt=\"ace.est.att\";ct=285", links);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Handshake_WithoutAClientCertificate_IsRefused()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Host.CaCertificate);

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, coaps.EstUrl("crts"), device: null, ca, "-m", "get", "-B", "5");

        Assert.Null(answer.Payload);
        Assert.DoesNotContain("2.05", answer.Output);
    }

    internal static List<X509Certificate2> CertsOnly(byte[] der) =>
        [.. new CmsSignedData(der).GetCertificates().EnumerateMatches(null).Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded()))];

    internal static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
