using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EstPortal.Hosting;

/// <summary>
/// Two named endpoints from configuration: <c>Kestrel:Endpoints:Portal</c> (cookie auth, never asks for a client
/// certificate) and <c>Kestrel:Endpoints:Est</c> (allows, never requires, a client certificate: RFC 7030 §3.3.2).
/// Each connection is tagged with the endpoint it arrived on so routes can be kept to their endpoint.
/// </summary>
internal static class KestrelEndpoints
{
    public const string Portal = "Portal";
    public const string Est = "Est";
    /// <summary>Optional: an EST endpoint limited to TLS 1.2, for profiles that require tls-unique linking (ADR 0004).</summary>
    public const string EstTls12 = "EstTls12";
    /// <summary>Plain HTTP for relying parties: CRLs, CA certificates and OCSP only (ADR 0007).</summary>
    public const string Public = "Public";
    /// <summary>Optional: the Prometheus scrape endpoint (and the health probes), for an internal address only. Unset, no metrics are served.</summary>
    public const string Management = "Management";
    public const string ManagementUrlSetting = "Kestrel:Endpoints:Management:Url";
    private const string ItemKey = "EstPortal.Endpoint";

    public static void Configure(WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            var tls = kestrel.ApplicationServices.GetRequiredService<TlsCertificateProvider>();
            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false)
                .Endpoint(Portal, endpoint => ConfigureEndpoint(endpoint, Portal, tls, ClientCertificateMode.NoCertificate))
                .Endpoint(Est, endpoint => ConfigureEndpoint(endpoint, Est, tls, ClientCertificateMode.AllowCertificate))
                .Endpoint(Public, endpoint => ConfigureEndpoint(endpoint, Public, tls, ClientCertificateMode.NoCertificate))
                .Endpoint(Management, endpoint => ConfigureEndpoint(endpoint, Management, tls, ClientCertificateMode.NoCertificate))
                .Endpoint(EstTls12, endpoint =>
                {
                    ConfigureEndpoint(endpoint, Est, tls, ClientCertificateMode.AllowCertificate);
                    endpoint.HttpsOptions.SslProtocols = SslProtocols.Tls12;
                });
        });
    }

    /// <summary>The endpoint a request arrived on, or null when not served by these endpoints (e.g. a test server).</summary>
    public static string? EndpointOf(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var name) == true ? name as string : null;

    private static void ConfigureEndpoint(EndpointConfiguration endpoint, string name, TlsCertificateProvider tls, ClientCertificateMode mode)
    {
        endpoint.ListenOptions.Use(next => connection =>
        {
            connection.Items[ItemKey] = name;
            return next(connection);
        });

        if (!endpoint.IsHttps)
            return;

        var https = endpoint.HttpsOptions;
        // TLS 1.2 stays on: strongSwan's pki offers only 1.2, and tls-unique (RFC 7030 §3.5) exists only there.
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ClientCertificateMode = mode;
        // Which client certificates we accept is decided per request against the issued-certificate table (or a
        // profile's manufacturer anchors), not by the platform's chain builder: the handshake only proves possession
        // of the key. What else the client sent is kept as path candidates for an IDevID.
        https.ClientCertificateValidation = (certificate, chain, _) =>
        {
            Transport.ClientCertificateChains.Remember(certificate, chain);
            return true;
        };
        if (!endpoint.ConfigSection.GetSection("Certificate").Exists())
            https.ServerCertificateSelector = (_, _) => tls.Current;
    }
}
