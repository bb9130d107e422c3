using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Interop;

/// <summary>
/// The README's nginx configuration, run for real: nginx terminates TLS on 127.0.0.1, asks for a device certificate
/// (<c>ssl_verify_client optional_no_ca</c>) and forwards it as <c>$ssl_client_escaped_cert</c> to the app's plain-HTTP
/// EST endpoint, which trusts 127.0.0.1; curl is the device, connecting from 127.0.0.3.
/// </summary>
public sealed class NginxReverseProxyTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [RequiresToolFact("nginx")]
    public async Task ThroughNginx_EnrollAndReenrollWithTheDeviceCertificate_AreIssued_AndAForgedHeaderIsOverwritten()
    {
        ExternalTool.Require("curl");
        var estPort = Loopback.FreePort();
        await using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["Kestrel:Endpoints:Est:Url"] = $"http://127.0.0.1:{estPort}",
            ["EstPortal:Est:TrustedProxies:0"] = "127.0.0.1",
        });
        await host.InitializeAsync();
        using var dir = new ToolWorkspace();
        var proxyPort = Loopback.FreePort();
        await using var nginx = await Nginx.StartAsync(dir, proxyPort, estPort);

        var device = await host.AddDeviceAsync("nginx-device");
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        dir.Write("device.key", deviceKey.ExportPkcs8PrivateKeyPem());
        dir.Write("enroll.csr", TestCsr.Create("CN=nginx-device", key: deviceKey).Base64);
        var (enrollStatus, enrollBody) = await CurlAsync(dir, proxyPort, "enroll.csr", "simpleenroll", "--user", $"{device.Name}:{device.Secret}");
        Assert.True(enrollStatus == 200, $"{enrollStatus}: {enrollBody}");
        var current = Assert.Single(EstResponses.ReadCertsOnly(enrollBody));
        dir.Write("device.pem", current.ExportCertificatePem());

        // RFC 7030 §4.2.2 through the proxy: curl presents the certificate to nginx, nginx forwards it.
        dir.Write("renew.csr", TestCsr.Create("CN=nginx-device", key: deviceKey).Base64);
        var (renewStatus, renewBody) = await CurlAsync(dir, proxyPort, "renew.csr", "simplereenroll", "--cert", dir.PathOf("device.pem"), "--key", dir.PathOf("device.key"));
        Assert.True(renewStatus == 200, $"{renewStatus}: {renewBody}");
        Assert.Equal("CN=nginx-device", Assert.Single(EstResponses.ReadCertsOnly(renewBody)).Subject);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
        {
            // The audit log shows the device's address, from X-Forwarded-For, not the proxy's.
            Assert.Contains(await db.AuditEvents.Where(e => e.Actor == $"certificate:{current.SerialNumber}").ToListAsync(),
                e => e.Outcome == AuditOutcomes.Success && e.ClientIp == "127.0.0.3");
        }

        // A device that writes the header itself, without a TLS certificate: nginx replaces it with its own (empty) value.
        var forged = "X-SSL-Client-Cert: " + Uri.EscapeDataString(current.ExportCertificatePem());
        var (forgedStatus, forgedBody) = await CurlAsync(dir, proxyPort, "renew.csr", "simplereenroll", "-H", forged);
        Assert.Equal(403, forgedStatus);
        Assert.Contains("requires the TLS client certificate", forgedBody);
    }

    private static async Task<(int Status, string Body)> CurlAsync(ToolWorkspace dir, int proxyPort, string bodyFile, string operation, params string[] extra)
    {
        var output = dir.PathOf(operation + "-" + Guid.NewGuid().ToString("N")[..6] + ".out");
        var result = await ExternalTool.RunAsync("curl", [
            "-sS", "--http1.1", "--interface", "127.0.0.3", "--cacert", dir.PathOf("proxy.pem"),
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + dir.PathOf(bodyFile),
            "-o", output, "-w", "%{http_code}", .. extra,
            $"https://127.0.0.1:{proxyPort}/.well-known/est/{operation}"], null, ToolTimeout);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return (int.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(output).Trim());
    }

    /// <summary>nginx as its own daemon, with everything (configuration, certificate, pid, logs) in the workspace.</summary>
    private sealed class Nginx : IAsyncDisposable
    {
        private readonly ToolWorkspace _dir;

        private Nginx(ToolWorkspace dir) => _dir = dir;

        public static async Task<Nginx> StartAsync(ToolWorkspace dir, int port, int estPort)
        {
            using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var request = new CertificateRequest("CN=est-proxy.test", key, HashAlgorithmName.SHA256);
                var san = new SubjectAlternativeNameBuilder();
                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
                dir.Write("proxy.pem", certificate.ExportCertificatePem() + "\n");
                dir.Write("proxy.key", key.ExportPkcs8PrivateKeyPem() + "\n");
            }
            Directory.CreateDirectory(dir.PathOf("temp"));
            dir.Write("nginx.conf", $$"""
                user root;
                worker_processes 1;
                error_log {{dir.PathOf("error.log")}};
                pid {{dir.PathOf("nginx.pid")}};
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path {{dir.PathOf("temp")}};
                    proxy_temp_path {{dir.PathOf("temp")}};
                    server {
                        listen 127.0.0.1:{{port}} ssl;
                        ssl_certificate     {{dir.PathOf("proxy.pem")}};
                        ssl_certificate_key {{dir.PathOf("proxy.key")}};
                        ssl_protocols       TLSv1.2 TLSv1.3;
                        ssl_verify_client   optional_no_ca;
                        client_max_body_size 64k;
                        location / {
                            proxy_pass http://127.0.0.1:{{estPort}};
                            proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
                            proxy_set_header X-Forwarded-For   $remote_addr;
                        }
                    }
                }
                """);
            var started = await ExternalTool.RunAsync("nginx", ["-p", dir.Root, "-c", dir.PathOf("nginx.conf")], null, ToolTimeout);
            Assert.True(started.ExitCode == 0, started.Stderr + ReadLog(dir));
            return new Nginx(dir);
        }

        public async ValueTask DisposeAsync() =>
            await ExternalTool.RunAsync("nginx", ["-p", _dir.Root, "-c", _dir.PathOf("nginx.conf"), "-s", "stop"], null, ToolTimeout);

        private static string ReadLog(ToolWorkspace dir) => File.Exists(dir.PathOf("error.log")) ? File.ReadAllText(dir.PathOf("error.log")) : "";
    }
}
