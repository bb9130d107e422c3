using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Interop;

/// <summary>
/// EST the way a firmware engineer scripts it with nothing but curl and openssl (RFC 7030 §4.1, §4.2.1, §4.2.2):
/// the CSR made by <c>openssl req</c>, framed as base64 (one line or openssl's 64-column lines) or PEM, posted by
/// curl over HTTP/1.1 (where chunked framing would show), the answer decoded with <c>openssl base64 -d -A</c>
/// (which needs one line), unpacked with <c>openssl pkcs7 -print_certs</c> and checked with <c>openssl verify</c>.
/// </summary>
public sealed class CurlOpensslTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [RequiresToolFact("curl")]
    public async Task SimpleEnroll_Base64BodyOnOneLine_Returns200CertsOnlyWithContentLengthAndACertOpensslVerifies() =>
        await EnrollAndVerifyAsync(BodyFraming.Base64OneLine);

    [RequiresToolFact("curl")]
    public async Task SimpleEnroll_Base64BodyWith64ColumnLines_Returns200CertsOnlyWithContentLengthAndACertOpensslVerifies() =>
        await EnrollAndVerifyAsync(BodyFraming.Base64Wrapped);

    [RequiresToolFact("curl")]
    public async Task SimpleEnroll_PemBody_Returns200CertsOnlyWithContentLengthAndACertOpensslVerifies() =>
        await EnrollAndVerifyAsync(BodyFraming.Pem);

    [RequiresToolFact("curl")]
    public async Task CaCerts_FetchedWithCurl_DecodesWithOpensslToOurCaCertificate()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);

        // curl -sS --http1.1 --cacert ca.pem URL/.well-known/est/cacerts -D cacerts.headers -o cacerts.b64
        var response = await CurlAsync(dir, "cacerts", ["--cacert", caPem, Url("cacerts")]);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/pkcs7-mime", response.MediaType);
        AssertFixedLengthBody(response);
        Assert.DoesNotContain('\n', response.Body);

        var certsPem = await DecodeCertsOnlyAsync(dir, "cacerts");
        var ca = Assert.Single(ToolWorkspace.ReadPemCertificates(certsPem));
        Assert.Equal(host.CaCertificate.Thumbprint, ca.Thumbprint);
    }

    [RequiresToolFact("curl")]
    public async Task SimpleReenroll_WithCurlPresentingTheIssuedCertificateAndKey_Returns200AndANewCertificateForTheSameSubject()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("curl-renew-" + Suffix());
        var (keyPem, body) = await CsrAsync(dir, device.Name, BodyFraming.Base64OneLine);
        var enrolled = await CurlAsync(dir, "enroll", ["--cacert", caPem, "--user", $"{device.Name}:{device.Secret}",
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simpleenroll")]);
        Assert.True(enrolled.Status == 200, $"enrollment answered {enrolled.Status}: {enrolled.Body}");
        var certPem = dir.Write("device.crt.pem", await DecodeCertsOnlyAsync(dir, "enroll"));
        var oldCert = Assert.Single(ToolWorkspace.ReadPemCertificates(File.ReadAllText(certPem)));

        // curl -sS --http1.1 --cacert ca.pem --cert device.crt.pem --key device.key.pem --data-binary @device.req.b64
        //   -H "Content-Type: application/pkcs10" URL/.well-known/est/simplereenroll -D reenroll.headers -o reenroll.b64
        var renewed = await CurlAsync(dir, "reenroll", ["--cacert", caPem, "--cert", certPem, "--key", keyPem,
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simplereenroll")]);

        Assert.True(renewed.Status == 200, $"re-enrollment answered {renewed.Status}: {renewed.Body}");
        Assert.Equal("application/pkcs7-mime", renewed.MediaType);
        Assert.Equal("certs-only", renewed.Parameter("smime-type"));
        AssertFixedLengthBody(renewed);
        var newPem = dir.Write("renewed.crt.pem", await DecodeCertsOnlyAsync(dir, "reenroll"));
        var newCert = Assert.Single(ToolWorkspace.ReadPemCertificates(File.ReadAllText(newPem)));
        Assert.Equal(oldCert.SubjectName.RawData, newCert.SubjectName.RawData);
        Assert.NotEqual(oldCert.SerialNumber, newCert.SerialNumber);
        await AssertOpensslVerifiesAsync(dir, caPem, newPem);
    }

    [RequiresToolFact("curl")]
    public async Task SimpleEnroll_GarbageBody_Returns400WithATextPlainReason()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("curl-garbage-" + Suffix());
        var body = dir.Write("garbage.txt", "this is not a certificate request!\n");

        var response = await CurlAsync(dir, "garbage", ["--cacert", caPem, "--user", $"{device.Name}:{device.Secret}",
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simpleenroll")]);

        Assert.Equal(400, response.Status);
        Assert.Equal("text/plain", response.MediaType);
        AssertFixedLengthBody(response);
        Assert.False(string.IsNullOrWhiteSpace(response.Body), "a 400 must say why");
        Assert.DoesNotContain("Exception", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
    }

    [RequiresToolFact("curl")]
    public async Task SimpleEnroll_WithoutCredentials_Returns401WithABasicChallenge()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var (_, body) = await CsrAsync(dir, "curl-anonymous-" + Suffix(), BodyFraming.Base64OneLine);

        var response = await CurlAsync(dir, "anonymous", ["--cacert", caPem,
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simpleenroll")]);

        Assert.Equal(401, response.Status);
        var challenge = Assert.Single(response.Headers("WWW-Authenticate"));
        Assert.StartsWith("Basic realm=", challenge, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("text/plain", response.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(response.Body), "a 401 must say why");
    }

    private async Task EnrollAndVerifyAsync(BodyFraming framing)
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync($"curl-{framing.ToString().ToLowerInvariant()}-{Suffix()}");
        var (_, body) = await CsrAsync(dir, device.Name, framing);
        var bodyText = File.ReadAllText(body);
        switch (framing)
        {
            case BodyFraming.Base64OneLine:
                Assert.DoesNotContain('\n', bodyText.TrimEnd('\n'));
                break;
            case BodyFraming.Base64Wrapped:
                Assert.Contains('\n', bodyText.TrimEnd('\n'));
                break;
            case BodyFraming.Pem:
                Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", bodyText, StringComparison.Ordinal);
                break;
        }

        // curl -sS --http1.1 --cacert ca.pem --user NAME:SECRET --data-binary @BODY -H "Content-Type: application/pkcs10"
        //   URL/.well-known/est/simpleenroll -D enroll.headers -o enroll.b64
        var response = await CurlAsync(dir, "enroll", ["--cacert", caPem, "--user", $"{device.Name}:{device.Secret}",
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simpleenroll")]);

        Assert.True(response.Status == 200, $"simpleenroll answered {response.Status}: {response.Body}");
        Assert.Equal("application/pkcs7-mime", response.MediaType);
        Assert.Equal("certs-only", response.Parameter("smime-type"));
        AssertFixedLengthBody(response);
        Assert.DoesNotContain('\n', response.Body);

        var certPem = dir.Write("device.crt.pem", await DecodeCertsOnlyAsync(dir, "enroll"));
        var issued = Assert.Single(ToolWorkspace.ReadPemCertificates(File.ReadAllText(certPem)));
        Assert.Equal($"CN={device.Name}", issued.Subject);
        await AssertOpensslVerifiesAsync(dir, caPem, certPem);
    }

    /// <summary>
    /// <c>openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key.pem -subj /CN=NAME -outform DER -out device.req.der</c>,
    /// then the body: <c>openssl base64 -A</c> (one line), <c>openssl base64</c> (64 columns) or <c>openssl req -inform DER -outform PEM</c>.
    /// </summary>
    private static async Task<(string KeyPath, string BodyPath)> CsrAsync(ToolWorkspace dir, string commonName, BodyFraming framing)
    {
        var key = dir.PathOf("device.key.pem");
        var der = dir.PathOf("device.req.der");
        await OpensslAsync(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-subj", "/CN=" + commonName, "-outform", "DER", "-out", der);

        var body = dir.PathOf("device.req." + framing.ToString().ToLowerInvariant());
        _ = framing switch
        {
            BodyFraming.Base64OneLine => await OpensslAsync(dir, "base64", "-A", "-in", der, "-out", body),
            BodyFraming.Base64Wrapped => await OpensslAsync(dir, "base64", "-in", der, "-out", body),
            _ => await OpensslAsync(dir, "req", "-inform", "DER", "-in", der, "-outform", "PEM", "-out", body),
        };
        return (key, body);
    }

    /// <summary><c>openssl base64 -d -A -in NAME.b64 -out NAME.p7b</c>, then <c>openssl pkcs7 -inform DER -in NAME.p7b -print_certs</c>.</summary>
    private static async Task<string> DecodeCertsOnlyAsync(ToolWorkspace dir, string name)
    {
        var p7 = dir.PathOf(name + ".p7b");
        await OpensslAsync(dir, "base64", "-d", "-A", "-in", dir.PathOf(name + ".b64"), "-out", p7);
        Assert.True(new FileInfo(p7).Length > 0, $"openssl base64 -d -A decoded nothing from {name}.b64: the body is not one line of base64");
        var print = await OpensslAsync(dir, "pkcs7", "-inform", "DER", "-in", p7, "-print_certs");
        return print.Stdout;
    }

    /// <summary><c>openssl verify -CAfile ca.pem CERT</c>.</summary>
    private static async Task AssertOpensslVerifiesAsync(ToolWorkspace dir, string caPem, string certPem)
    {
        var verify = await OpensslAsync(dir, "verify", "-CAfile", caPem, certPem);
        Assert.EndsWith(": OK", verify.Stdout.Trim(), StringComparison.Ordinal);
    }

    private static async Task<ToolResult> OpensslAsync(ToolWorkspace dir, params string[] arguments)
    {
        var result = await ExternalTool.RunAsync("openssl", arguments, new Dictionary<string, string?>(), dir.Root, null, ToolTimeout);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}");
        return result;
    }

    /// <summary>
    /// <c>curl -sS --http1.1 ARGS -D NAME.headers -o NAME.b64</c>: HTTP/1.1 as strongSwan and libest speak it, so a
    /// chunked answer would show. The last header block is the final answer (a 100 Continue may come first).
    /// </summary>
    private static async Task<CurlResponse> CurlAsync(ToolWorkspace dir, string name, string[] arguments)
    {
        var headers = dir.PathOf(name + ".headers");
        var body = dir.PathOf(name + ".b64");
        string[] all = ["-sS", "--http1.1", .. arguments, "-D", headers, "-o", body];
        var result = await ExternalTool.RunAsync("curl", all, new Dictionary<string, string?>(), dir.Root, null, ToolTimeout);
        Assert.True(result.ExitCode == 0, $"curl {string.Join(' ', all)} exited {result.ExitCode}: {result.Stderr}");
        var received = File.Exists(body);
        return CurlResponse.Parse(File.ReadAllText(headers), received ? File.ReadAllText(body) : string.Empty, received ? new FileInfo(body).Length : 0);
    }

    /// <summary>RFC 7030 answers carry Content-Length and are never chunked (strongSwan's pki refuses chunked answers).</summary>
    private static void AssertFixedLengthBody(CurlResponse response)
    {
        var length = Assert.Single(response.Headers("Content-Length"));
        Assert.Equal(response.BodyLength, long.Parse(length, CultureInfo.InvariantCulture));
        Assert.DoesNotContain(response.Headers("Transfer-Encoding"), v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase));
    }

    private string Url(string operation) => $"{host.EstUrl}/.well-known/est/{operation}";

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private enum BodyFraming
    {
        Base64OneLine,
        Base64Wrapped,
        Pem,
    }

    private sealed record CurlResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> HeaderLines, string Body, long BodyLength)
    {
        public IEnumerable<string> Headers(string name) =>
            HeaderLines.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

        public string? MediaType => Headers("Content-Type").FirstOrDefault()?.Split(';')[0].Trim();

        public string? Parameter(string parameter) =>
            Headers("Content-Type").FirstOrDefault()?.Split(';').Skip(1)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2 && string.Equals(p[0].Trim(), parameter, StringComparison.OrdinalIgnoreCase))
                .Select(p => p[1].Trim().Trim('"'))
                .FirstOrDefault();

        public static CurlResponse Parse(string headerDump, string body, long bodyLength)
        {
            var blocks = headerDump.Replace("\r\n", "\n", StringComparison.Ordinal)
                .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var lines = blocks[^1].Split('\n');
            var statusParts = lines[0].Split(' ', 3);
            Assert.True(statusParts.Length >= 2 && statusParts[0].StartsWith("HTTP/1.1", StringComparison.Ordinal),
                $"unexpected status line '{lines[0]}'");
            var headers = lines.Skip(1)
                .Select(l => l.Split(':', 2))
                .Where(p => p.Length == 2)
                .Select(p => KeyValuePair.Create(p[0].Trim(), p[1].Trim()))
                .ToList();
            return new CurlResponse(int.Parse(statusParts[1], CultureInfo.InvariantCulture), headers, body, bodyLength);
        }
    }
}
