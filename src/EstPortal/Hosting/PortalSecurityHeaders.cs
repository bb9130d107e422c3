namespace EstPortal.Hosting;

/// <summary>
/// Security headers on everything the portal endpoint serves: HSTS, no MIME sniffing, no framing, no referrer
/// leakage, and a Content-Security-Policy that MudBlazor and Blazor Server work with — scripts only from this
/// origin (no inline script), inline styles allowed (MudBlazor sets style attributes), the circuit's WebSocket to
/// this origin, images from this origin or data: URLs (QR codes).
/// </summary>
internal static class PortalSecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (KestrelEndpoints.EndpointOf(context) is null or KestrelEndpoints.Portal)
            {
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    headers.StrictTransportSecurity = "max-age=31536000";
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    return Task.CompletedTask;
                });
            }
            await next(context);
        });
}
