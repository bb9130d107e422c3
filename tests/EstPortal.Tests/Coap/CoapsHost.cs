using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Coap.Dtls;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Coap;

/// <summary>
/// The app with its CoAP/DTLS listener on 127.0.0.1 (EstPortal:Coaps:Url), and what a device needs to talk to it with
/// libcoap's clients: the CA as PEM, and a device certificate issued over HTTPS (RFC 9148 requires a client
/// certificate in the DTLS handshake) as PEM certificate + key files.
/// </summary>
public sealed class CoapsHost : IAsyncLifetime
{
    public CoapsHost() : this(null) { }

    internal CoapsHost(Dictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?> { ["EstPortal:Coaps:Url"] = $"coaps://127.0.0.1:{Loopback.FreePort()}" };
        foreach (var (key, value) in settings ?? [])
            all[key] = value;
        Host = EstPortalHost.Create(extraSettings: all);
    }

    public EstPortalHost Host { get; }

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        var bound = await Host.Services.GetRequiredService<CoapsListener>().BoundEndPoint.WaitAsync(TimeSpan.FromSeconds(30));
        Url = $"coaps://127.0.0.1:{bound.Port}";
    }

    public string EstUrl(string operation, string? label = null) =>
        label is null ? $"{Url}/.well-known/est/{operation}" : $"{Url}/.well-known/est/{label}/{operation}";

    /// <summary>A device registered in the portal with a certificate enrolled over HTTPS, written as PEM files into <paramref name="dir"/>.</summary>
    public async Task<DeviceFiles> EnrolledDeviceAsync(ToolWorkspace dir, string name)
    {
        var device = await Host.AddDeviceAsync(name);
        var csr = TestCsr.Create($"CN={name}");
        using var client = Host.CreateEstClient();
        var response = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", csr.Base64, EstCalls.Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(response);
        var certPath = dir.Write($"{name}.crt.pem", certificate.ExportCertificatePem() + "\n");
        var keyPath = dir.Write($"{name}.key.pem", ((ECDsa)csr.Key).ExportPkcs8PrivateKeyPem() + "\n");
        return new DeviceFiles(name, certificate, certPath, keyPath, (ECDsa)csr.Key);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed record DeviceFiles(string Name, X509Certificate2 Certificate, string CertificatePath, string KeyPath, ECDsa Key);
