using EstPortal.Est;
using EstPortal.Hosting;
using Microsoft.AspNetCore.HttpOverrides;

namespace EstPortal.Transport;

/// <summary>
/// The EST endpoint behind TLS-terminating reverse proxies (ADR 0017). From a trusted proxy's address only: the device
/// certificate is taken from <c>EstPortal:Est:ForwardedClientCertificateHeader</c> (and the connection's own client
/// certificate, the proxy's, is dropped), and the client address from X-Forwarded-For, so per-address limits and the
/// audit log see the device. From any other address on a plain-HTTP connection, EST is refused: it would carry device
/// secrets unencrypted, and such a caller bypassed the proxy. Headers from other addresses are never read.
/// </summary>
internal static class ReverseProxyMiddleware
{
    public static IApplicationBuilder UseTrustedReverseProxies(this WebApplication app)
    {
        var settings = app.Configuration.GetSection(EstTransportOptions.Section).Get<EstTransportOptions>() ?? new EstTransportOptions();
        var proxies = new TrustedProxies(settings.TrustedProxies);
        if (proxies.IsEmpty)
            return app;

        var header = settings.ForwardedClientCertificateHeader;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReverseProxyMiddleware));
        var forwardedFor = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        // The defaults trust loopback; only the operator's list counts.
        forwardedFor.KnownProxies.Clear();
        forwardedFor.KnownIPNetworks.Clear();
        foreach (var network in proxies.Networks)
            forwardedFor.KnownIPNetworks.Add(network);

        return app.UseWhen(context => KestrelEndpoints.EndpointOf(context) == KestrelEndpoints.Est, est => est
            .Use(async (context, next) =>
            {
                var isEstPath = context.Request.Path.StartsWithSegments(EstEndpoints.PathPrefix, StringComparison.OrdinalIgnoreCase);
                var peer = context.Connection.RemoteIpAddress;
                if (proxies.Contains(peer))
                {
                    context.Features.Set(new ForwardedByTrustedProxy(peer!));
                    if (isEstPath)
                    {
                        try
                        {
                            context.Connection.ClientCertificate = ForwardedClientCertificate.Parse(context.Request.Headers[header]);
                        }
                        catch (FormatException ex)
                        {
                            logger.LogWarning("Proxy {Proxy} forwarded a {Header} header that is not a certificate: {Why}", peer, header, ex.Message);
                            await EstResults.Error(StatusCodes.Status400BadRequest,
                                $"the client certificate forwarded by the proxy in {header} could not be read: {ex.Message}").ExecuteAsync(context);
                            return;
                        }
                    }
                }
                else if (isEstPath && !context.Request.IsHttps)
                {
                    await EstResults.Error(StatusCodes.Status403Forbidden,
                        "EST over plain HTTP is accepted only from the configured reverse proxies (EstPortal:Est:TrustedProxies); use the proxy's https:// address").ExecuteAsync(context);
                    return;
                }
                await next(context);
            })
            .UseForwardedHeaders(forwardedFor));
    }
}
