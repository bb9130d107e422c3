using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Interop;

/// <summary>
/// A device that changes tools between enrollment and renewal (RFC 7030 §4.2.2, names compared per RFC 5280 §7.1):
/// openssl writes the CN as UTF8String, strongSwan's pki as PrintableString. The renewal keeps its identity, and the
/// CA writes the Subject exactly as the certificate being renewed had it.
/// </summary>
public sealed class MixedToolRenewalTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [RequiresToolFact("pki")]
    public async Task OpensslFirst_ThenPkiRenews_Returns200_WithTheSameSubjectEncoding()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("mixed-openssl-" + Suffix());

        // openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout old.key.pem -subj "/O=EstPortal Interop/CN=NAME" -out old.req.pem
        var oldKey = dir.PathOf("old.key.pem");
        var oldReq = dir.PathOf("old.req.pem");
        await RunAsync(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", oldKey,
            "-subj", $"/O=EstPortal Interop/CN={device.Name}", "-out", oldReq);
        // curl --cacert ca.pem --user NAME:SECRET --data-binary @old.req.pem -H "Content-Type: application/pkcs10" URL/simpleenroll
        var oldCert = await CurlEnrollAsync(dir, caPem, "simpleenroll", oldReq, ["--user", $"{device.Name}:{device.Secret}"]);
        var oldCertPem = dir.Write("old.crt.pem", oldCert.ExportCertificatePem() + "\n");

        // pki --gen …; pki --req --dn "O=EstPortal Interop, CN=NAME"; pki --est --cert old.crt.pem --key old.key.pem
        var newKey = dir.Write("new.key.pem", (await PkiAsync(dir, "--gen", "--type", "ecdsa", "--size", "256", "--outform", "pem")).Stdout);
        var newReq = dir.Write("new.req.pem", (await PkiAsync(dir, "--req", "--type", "priv", "--in", newKey, "--dn", $"O=EstPortal Interop, CN={device.Name}", "--outform", "pem")).Stdout);
        Assert.Equal([UniversalTagNumber.UTF8String, UniversalTagNumber.PrintableString], [CnTypeOf(oldReq), CnTypeOf(newReq)]);
        var renewed = await PkiAsync(dir, "--est", "--url", host.EstUrl, "--cacert", caPem, "--in", newReq, "--cert", oldCertPem, "--key", oldKey, "--outform", "pem");

        var newCert = Assert.Single(ToolWorkspace.ReadPemCertificates(renewed.Stdout));
        Assert.NotEqual(oldCert.SerialNumber, newCert.SerialNumber);
        Assert.Equal(oldCert.SubjectName.RawData, newCert.SubjectName.RawData);
    }

    [RequiresToolFact("pki")]
    public async Task PkiFirst_ThenCurlAndOpensslRenew_Returns200_WithTheSameSubjectEncoding()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("mixed-pki-" + Suffix());

        var oldKey = dir.Write("old.key.pem", (await PkiAsync(dir, "--gen", "--type", "ecdsa", "--size", "256", "--outform", "pem")).Stdout);
        var oldReq = dir.Write("old.req.pem", (await PkiAsync(dir, "--req", "--type", "priv", "--in", oldKey, "--dn", $"CN={device.Name}", "--outform", "pem")).Stdout);
        var enrolled = await PkiAsync(dir, "--est", "--url", host.EstUrl, "--cacert", caPem, "--in", oldReq,
            "--userpass", $"{device.Name}:{device.Secret}", "--outform", "pem");
        var oldCert = Assert.Single(ToolWorkspace.ReadPemCertificates(enrolled.Stdout));
        var oldCertPem = dir.Write("old.crt.pem", enrolled.Stdout);

        // openssl req -new -newkey ec … -subj /CN=NAME (UTF8String), then curl --cert old.crt.pem --key old.key.pem URL/simplereenroll
        var newReq = dir.PathOf("new.req.pem");
        await RunAsync(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.PathOf("new.key.pem"),
            "-subj", $"/CN={device.Name}", "-out", newReq);
        Assert.Equal([UniversalTagNumber.PrintableString, UniversalTagNumber.UTF8String], [CnTypeOf(oldReq), CnTypeOf(newReq)]);
        var newCert = await CurlEnrollAsync(dir, caPem, "simplereenroll", newReq, ["--cert", oldCertPem, "--key", oldKey]);

        Assert.NotEqual(oldCert.SerialNumber, newCert.SerialNumber);
        Assert.Equal(oldCert.SubjectName.RawData, newCert.SubjectName.RawData);
    }

    /// <summary>The string type the CSR's CN is written in (the last RDN here).</summary>
    private static UniversalTagNumber CnTypeOf(string requestPem)
    {
        var subject = CertificateRequest.LoadSigningRequestPem(File.ReadAllText(requestPem), HashAlgorithmName.SHA256).SubjectName;
        var cn = subject.EnumerateRelativeDistinguishedNames().Last(r => r.GetSingleElementType().Value == "2.5.4.3");
        var set = new AsnReader(cn.RawData, AsnEncodingRules.DER).ReadSetOf();
        var pair = set.ReadSequence();
        pair.ReadObjectIdentifier();
        return (UniversalTagNumber)pair.PeekTag().TagValue;
    }

    /// <summary><c>curl -sS --http1.1 --cacert ca.pem ARGS --data-binary @REQ -H "Content-Type: application/pkcs10" URL -o answer.b64</c>.</summary>
    private async Task<X509Certificate2> CurlEnrollAsync(ToolWorkspace dir, string caPem, string operation, string requestPem, string[] credentials)
    {
        var answer = dir.PathOf(operation + ".b64");
        var result = await RunAsync(dir, "curl", ["-sS", "--http1.1", "--cacert", caPem, .. credentials, "--data-binary", "@" + requestPem,
            "-H", "Content-Type: application/pkcs10", "-w", "%{http_code}", "-o", answer, $"{host.EstUrl}/.well-known/est/{operation}"]);
        var body = File.Exists(answer) ? File.ReadAllText(answer) : "";
        Assert.True(result.Stdout.Trim() == "200", $"{operation} answered {result.Stdout}: {body}");
        return Assert.Single(EstResponses.ReadCertsOnly(body));
    }

    private static Task<ToolResult> PkiAsync(ToolWorkspace dir, params string[] arguments)
    {
        var conf = dir.PathOf("strongswan.conf");
        if (!File.Exists(conf))
            File.WriteAllText(conf, StrongSwanPkiTests.StrongSwanConf);
        return RunAsync(dir, "pki", arguments, new Dictionary<string, string?> { ["STRONGSWAN_CONF"] = conf });
    }

    private static Task<ToolResult> RunAsync(ToolWorkspace dir, string tool, params string[] arguments) =>
        RunAsync(dir, tool, arguments, new Dictionary<string, string?>());

    private static async Task<ToolResult> RunAsync(ToolWorkspace dir, string tool, string[] arguments, Dictionary<string, string?> environment)
    {
        var result = await ExternalTool.RunAsync(tool, arguments, environment, dir.Root, null, ToolTimeout);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}\n--- stdout ---\n{result.Stdout}\n--- stderr ---\n{result.Stderr}");
        return result;
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
