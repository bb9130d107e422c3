using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Interop;

/// <summary>
/// A device whose private key lives in a TPM (a software TPM of the test's own, <see cref="SoftwareTpm"/>) enrolls and
/// re-enrolls with the clients devices use: the CSR signed inside the TPM through the tpm2 OpenSSL provider, the first
/// enrollment by curl with a one-time bootstrap token, re-enrollment over mutual TLS where the TPM signs the handshake —
/// curl through the tpm2 provider, strongSwan's <c>pki --est --keyid</c> through its tpm plugin. Every issued
/// certificate carries the TPM key's public key (as the TPM itself reports it). The commands are the README's.
/// </summary>
public sealed class TpmKeyClientTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string KeyHandle = "0x81000002";

    [RequiresSoftwareTpmFact]
    public async Task TpmKey_EnrollsWithCurlAndAToken_ThenReenrollsOverMutualTlsWithCurl_EveryCertificateCarriesTheTpmKey()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var key = await tpm.CreateSigningKeyAsync(dir, KeyHandle);
        var name = "tpm-curl-" + Suffix();
        var token = await host.IssueTokenAsync();
        var request = await CsrAsync(tpm, dir, KeyHandle, name);

        // curl --cacert ca.pem -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/pkcs10" --data-binary @device.req.b64
        //   https://est.example/.well-known/est/simpleenroll -o device.p7.b64
        var enrolled = await CurlAsync(tpm, dir, "enroll", ["--cacert", caPem, "-H", $"Authorization: Bearer {token.Token}",
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + request, $"{host.EstUrl}/.well-known/est/simpleenroll"]);
        Assert.True(enrolled.Status == 200, $"simpleenroll answered {enrolled.Status}: {enrolled.Body}");
        var first = await CertificateFromAsync(tpm, dir, "enroll");
        Assert.Equal($"CN={name}", first.Subject);
        Assert.Equal(key.SubjectPublicKeyInfo, first.PublicKey.ExportSubjectPublicKeyInfo());

        // OPENSSL_CONF=tpm2-openssl.cnf curl --cacert ca.pem --cert device.crt.pem --key device.tss ... /simplereenroll
        var certPem = dir.Write("device.crt.pem", first.ExportCertificatePem() + "\n");
        var openssl = SoftwareTpm.WriteOpensslConfig(dir);
        var renewed = await CurlAsync(tpm, dir, "reenroll", ["--cacert", caPem, "--cert", certPem, "--key", key.TssKeyFile,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + request, $"{host.EstUrl}/.well-known/est/simplereenroll"],
            new() { ["OPENSSL_CONF"] = openssl });
        Assert.True(renewed.Status == 200, $"simplereenroll answered {renewed.Status}: {renewed.Body}");
        var second = await CertificateFromAsync(tpm, dir, "reenroll");
        Assert.Equal(first.SubjectName.RawData, second.SubjectName.RawData);
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(key.SubjectPublicKeyInfo, second.PublicKey.ExportSubjectPublicKeyInfo());

        // Without the TPM key the same request is no re-enrollment: the handshake carried no certificate.
        var stranger = await CurlAsync(tpm, dir, "stranger", ["--cacert", caPem,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + request, $"{host.EstUrl}/.well-known/est/simplereenroll"]);
        Assert.Equal(403, stranger.Status);
        Assert.Equal(2, Directory.GetFiles(dir.Root, "*.p7b").Length);
    }

    [RequiresSoftwareTpmFact]
    public async Task TpmKey_ReenrollsWithStrongSwanPkiKeyIdThroughItsTpmPlugin_TheNewCertificateCarriesTheTpmKey()
    {
        await using var tpm = await SoftwareTpm.StartAsync();
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var key = await tpm.CreateSigningKeyAsync(dir, KeyHandle);
        var name = "tpm-pki-" + Suffix();
        var token = await host.IssueTokenAsync();
        var request = await CsrAsync(tpm, dir, KeyHandle, name);
        var enrolled = await CurlAsync(tpm, dir, "enroll", ["--cacert", caPem, "-H", $"Authorization: Bearer {token.Token}",
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + request, $"{host.EstUrl}/.well-known/est/simpleenroll"]);
        Assert.True(enrolled.Status == 200, $"simpleenroll answered {enrolled.Status}: {enrolled.Body}");
        var first = await CertificateFromAsync(tpm, dir, "enroll");
        var certPem = dir.Write("device.crt.pem", first.ExportCertificatePem() + "\n");
        await tpm.RunAsync("openssl", ["req", "-inform", "DER", "-in", dir.PathOf("device.req.der"), "-out", dir.PathOf("device.req.pem")], dir.Root);

        // STRONGSWAN_CONF=strongswan.conf pki --est --url https://est.example --cacert ca.pem --in device.req.pem
        //   --cert device.crt.pem --keyid 0x81000002 --outform pem
        var conf = dir.Write("strongswan.conf", StrongSwanTpmConf);
        var renewed = await PkiWithTpmKeyAsync(tpm, dir, ["--est", "--url", host.EstUrl, "--cacert", caPem, "--in", dir.PathOf("device.req.pem"),
            "--cert", certPem, "--keyid", KeyHandle, "--outform", "pem"], conf);

        Assert.Contains("sending TLS client certificate", renewed.Stderr, StringComparison.Ordinal);
        var second = Assert.Single(ToolWorkspace.ReadPemCertificates(renewed.Stdout));
        Assert.Equal(first.SubjectName.RawData, second.SubjectName.RawData);
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(key.SubjectPublicKeyInfo, second.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(host.ChainsToCa(second));
    }

    /// <summary>
    /// <c>pki</c> signing with the TPM key, run again (a new signature) when it failed for one of two faults of the
    /// client stack that a device's own retry absorbs, each seen once in 400 signatures (strongSwan 5.9, swtpm): its
    /// tpm plugin DER-encodes the TPM's r and s at the curve's full length, so one signature in ~256 starts
    /// an INTEGER with a needless zero octet, which OpenSSL's strict DER check refuses in the handshake (a
    /// <c>decrypt error</c> alert, before any request reaches the server); and it does not repeat a signing the TPM
    /// answered with TPM_RC_RETRY (0x922). Any other failure fails the test at once.
    /// </summary>
    private static async Task<ToolResult> PkiWithTpmKeyAsync(SoftwareTpm tpm, ToolWorkspace dir, string[] arguments, string conf)
    {
        const int Attempts = 4;
        for (var attempt = 1; ; attempt++)
        {
            var result = await tpm.TryRunAsync("pki", arguments, dir.Root, new() { ["STRONGSWAN_CONF"] = conf });
            var clientFault = result.Stderr.Contains("received fatal TLS alert 'decrypt error'", StringComparison.Ordinal)
                || result.Stderr.Contains("Tss2_Sys_Sign failed: 0x000922", StringComparison.Ordinal);
            if (result.ExitCode == 0 || !clientFault || attempt == Attempts)
            {
                Assert.True(result.ExitCode == 0, $"pki {string.Join(' ', arguments)} exited {result.ExitCode} (attempt {attempt})\n{result.Stdout}\n{result.Stderr}");
                return result;
            }
        }
    }

    /// <summary>pki's plugins without <c>revocation</c> (it would fetch CRLs), plus <c>tpm</c>, which reaches abrmd over the session bus.</summary>
    internal const string StrongSwanTpmConf = """
        pki {
          load = aes sha2 sha1 md5 mgf1 random nonce x509 pubkey pkcs1 pkcs7 pkcs8 pem openssl gmp hmac kdf drbg tpm
          plugins {
            tpm {
              tcti {
                name = tabrmd
                opts = bus_type=session
              }
            }
          }
        }

        """;

    /// <summary>
    /// <c>openssl req -provider tpm2 -provider default -new -key handle:0x81000002 -subj /CN=NAME -outform DER -out device.req.der</c>,
    /// then <c>openssl base64 -A</c>: the CSR is signed inside the TPM.
    /// </summary>
    internal static async Task<string> CsrAsync(SoftwareTpm tpm, ToolWorkspace dir, string handle, string commonName)
    {
        await tpm.RunAsync("openssl", ["req", "-provider", "tpm2", "-provider", "default", "-new", "-key", $"handle:{handle}",
            "-subj", "/CN=" + commonName, "-outform", "DER", "-out", dir.PathOf("device.req.der")], dir.Root);
        await tpm.RunAsync("openssl", ["base64", "-A", "-in", dir.PathOf("device.req.der"), "-out", dir.PathOf("device.req.b64")], dir.Root);
        return dir.PathOf("device.req.b64");
    }

    /// <summary><c>curl -sS --http1.1 ARGS -o NAME.out -w %{http_code}</c>, in the TPM's environment plus <paramref name="extra"/>.</summary>
    internal static async Task<(int Status, string Body)> CurlAsync(SoftwareTpm tpm, ToolWorkspace dir, string name, string[] arguments,
        Dictionary<string, string?>? extra = null)
    {
        var output = dir.PathOf(name + ".out");
        var result = await tpm.RunAsync("curl", ["-sS", "--http1.1", .. arguments, "-o", output, "-w", "%{http_code}"], dir.Root, extra);
        return (int.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture), File.Exists(output) ? File.ReadAllText(output) : "");
    }

    /// <summary><c>openssl base64 -d -A</c> and <c>openssl pkcs7 -print_certs</c> of a certs-only answer.</summary>
    internal static async Task<X509Certificate2> CertificateFromAsync(SoftwareTpm tpm, ToolWorkspace dir, string name)
    {
        await tpm.RunAsync("openssl", ["base64", "-d", "-A", "-in", dir.PathOf(name + ".out"), "-out", dir.PathOf(name + ".p7b")], dir.Root);
        var print = await tpm.RunAsync("openssl", ["pkcs7", "-inform", "DER", "-in", dir.PathOf(name + ".p7b"), "-print_certs"], dir.Root);
        return Assert.Single(ToolWorkspace.ReadPemCertificates(print.Stdout));
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
