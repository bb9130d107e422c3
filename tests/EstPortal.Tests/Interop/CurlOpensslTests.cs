using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task SimpleEnroll_WithoutCredentials_Returns401WithBasicAndBearerChallenges()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var (_, body) = await CsrAsync(dir, "curl-anonymous-" + Suffix(), BodyFraming.Base64OneLine);

        var response = await CurlAsync(dir, "anonymous", ["--cacert", caPem,
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simpleenroll")]);

        Assert.Equal(401, response.Status);
        // RFC 9110 §11.6.1: one field per challenge; Basic first by default (libest follows only the first).
        var challenges = response.Headers("WWW-Authenticate").ToList();
        Assert.Equal(2, challenges.Count);
        Assert.StartsWith("Basic realm=", challenges[0], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Bearer realm=", challenges[1], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("text/plain", response.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(response.Body), "a 401 must say why");
    }

    [RequiresToolFact("curl")]
    public async Task SimpleEnroll_BootstrapTokenAsBearerHeader_EnrollsOnce_SecondUseIs401()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var token = await host.IssueTokenAsync();
        var (_, body) = await CsrAsync(dir, "curl-bearer-" + Suffix(), BodyFraming.Base64OneLine);

        // curl --cacert ca.pem -H "Authorization: Bearer $TOKEN" --data-binary @device.req.b64 … URL/.well-known/est/simpleenroll
        string[] bearer = ["--cacert", caPem, "-H", $"Authorization: Bearer {token.Token}",
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("simpleenroll")];
        var first = await CurlAsync(dir, "bearer", bearer);
        var second = await CurlAsync(dir, "bearer-again", bearer);

        Assert.True(first.Status == 200, $"enrollment answered {first.Status}: {first.Body}");
        var certPem = dir.Write("bearer.crt.pem", await DecodeCertsOnlyAsync(dir, "bearer"));
        await AssertOpensslVerifiesAsync(dir, caPem, certPem);
        Assert.Equal(401, second.Status);
        Assert.Contains("already been used", second.Body, StringComparison.Ordinal);
    }

    [RequiresToolFact("curl")]
    public async Task Label_SelectsTheProfile_ItsPolicyRefusesP256AndIssuesP384()
    {
        await EnsureProfileAsync("curl-p384", "curlp384", EstPortal.Policy.CsrPolicy.Default with
        {
            Keys = new EstPortal.Policy.KeyPolicy { AllowRsa = false, AllowedCurves = ["P-384"] },
        });
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("curl-label-" + Suffix());

        var (_, p256) = await CsrAsync(dir, device.Name, BodyFraming.Base64OneLine);
        var refused = await CurlAsync(dir, "refused", ["--cacert", caPem, "--user", $"{device.Name}:{device.Secret}",
            "--data-binary", "@" + p256, "-H", "Content-Type: application/pkcs10", Url("curlp384/simpleenroll")]);
        Assert.Equal(400, refused.Status);
        Assert.Contains("EC P-256 is not allowed", refused.Body, StringComparison.Ordinal);

        // openssl req ... -pkeyopt ec_paramgen_curve:P-384 ...; curl ... URL/.well-known/est/curlp384/simpleenroll
        var (_, p384) = await CsrAsync(dir, device.Name, BodyFraming.Base64OneLine, "P-384");
        var issued = await CurlAsync(dir, "issued", ["--cacert", caPem, "--user", $"{device.Name}:{device.Secret}",
            "--data-binary", "@" + p384, "-H", "Content-Type: application/pkcs10", Url("curlp384/simpleenroll")]);
        Assert.True(issued.Status == 200, $"labelled simpleenroll answered {issued.Status}: {issued.Body}");
        var certPem = dir.Write("device.crt.pem", await DecodeCertsOnlyAsync(dir, "issued"));
        await AssertOpensslVerifiesAsync(dir, caPem, certPem);

        var unknown = await CurlAsync(dir, "unknown", ["--cacert", caPem, Url("nosuchlabel/cacerts")]);
        Assert.Equal(404, unknown.Status);
    }

    [RequiresToolFact("curl")]
    public async Task CsrAttrs_FetchedWithCurl_ParsesWithOpensslAsn1parse()
    {
        await EnsureProfileAsync("curl-csrattrs", "curlattrs", EstPortal.Policy.CsrPolicy.Default with
        {
            Keys = new EstPortal.Policy.KeyPolicy { AllowRsa = false, AllowedCurves = ["P-256"] },
            RequireProofOfPossessionLinking = true,
        });
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);

        // curl ... URL/.well-known/est/curlattrs/csrattrs; openssl base64 -d -A; openssl asn1parse -inform DER
        var response = await CurlAsync(dir, "csrattrs", ["--cacert", caPem, Url("curlattrs/csrattrs")]);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/csrattrs", response.MediaType);
        AssertFixedLengthBody(response);
        await OpensslAsync(dir, "base64", "-d", "-A", "-in", dir.PathOf("csrattrs.b64"), "-out", dir.PathOf("csrattrs.der"));
        var parsed = await OpensslAsync(dir, "asn1parse", "-inform", "DER", "-in", dir.PathOf("csrattrs.der"));
        Assert.Contains("challengePassword", parsed.Stdout, StringComparison.Ordinal);
        Assert.Contains("id-ecPublicKey", parsed.Stdout, StringComparison.Ordinal);
        Assert.Contains("prime256v1", parsed.Stdout, StringComparison.Ordinal);

        var none = await CurlAsync(dir, "csrattrs-default", ["--cacert", caPem, Url("csrattrs")]);
        Assert.Equal(204, none.Status);
    }

    [RequiresToolFact("curl")]
    public async Task ServerKeyGen_WithCurl_MultipartKeyMatchesTheCertificateByOpenssl()
    {
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var device = await host.AddDeviceAsync("curl-keygen-" + Suffix());
        var (_, body) = await CsrAsync(dir, device.Name, BodyFraming.Base64OneLine);

        // curl ... --data-binary @device.req.base64oneline URL/.well-known/est/serverkeygen -o keygen.b64
        var response = await CurlAsync(dir, "keygen", ["--cacert", caPem, "--user", $"{device.Name}:{device.Secret}",
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", Url("serverkeygen")]);
        Assert.True(response.Status == 200, $"serverkeygen answered {response.Status}: {response.Body}");
        Assert.Equal("multipart/mixed", response.MediaType);
        AssertFixedLengthBody(response);

        // Split the two parts (RFC 2046 boundaries), then let openssl compare the key and the certificate.
        var boundary = response.Parameter("boundary")!;
        var parts = response.Body.Split("--" + boundary, StringSplitOptions.None)[1..^1]
            .Select(p => p.Split("\r\n\r\n", 2))
            .ToList();
        Assert.Equal(2, parts.Count);
        Assert.Contains("Content-Type: application/pkcs8", parts[0][0], StringComparison.Ordinal);
        dir.Write("key.b64", parts[0][1].Trim());
        dir.Write("cert.b64", parts[1][1].Trim());
        await OpensslAsync(dir, "base64", "-d", "-A", "-in", dir.PathOf("key.b64"), "-out", dir.PathOf("key.der"));
        var certPem = dir.Write("cert.pem", await DecodeCertsOnlyAsync(dir, "cert"));
        var keyPublic = await OpensslAsync(dir, "pkey", "-inform", "DER", "-in", dir.PathOf("key.der"), "-pubout");
        var certPublic = await OpensslAsync(dir, "x509", "-in", certPem, "-pubkey", "-noout");
        Assert.Equal(certPublic.Stdout.Trim(), keyPublic.Stdout.Trim());
        await AssertOpensslVerifiesAsync(dir, caPem, certPem);
    }

    private async Task EnsureProfileAsync(string name, string label, EstPortal.Policy.CsrPolicy policy)
    {
        if (await host.Services.GetRequiredService<EstPortal.Admin.ProfileAdmin>().FindAsync(name) is null)
            await host.AddProfileAsync(name, label, policy);
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
    private static async Task<(string KeyPath, string BodyPath)> CsrAsync(ToolWorkspace dir, string commonName, BodyFraming framing, string curve = "P-256")
    {
        var key = dir.PathOf("device.key.pem");
        var der = dir.PathOf("device.req.der");
        await OpensslAsync(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + curve, "-nodes",
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
