using EstPortal.Hosting;
using EstPortal.Lifecycle;
using EstPortal.Operations.Health;

namespace EstPortal.Est;

/// <summary>
/// EST answers only on the EST endpoint and the portal only on the portal endpoint, so a client certificate prompt
/// never reaches a browser and cookie-authenticated pages are never served where client certificates are allowed.
/// The health probes are the exception: a load balancer in front of the EST port must be able to ask it.
/// </summary>
internal static class EndpointSeparation
{
    public static IApplicationBuilder UseEndpointSeparation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var endpoint = KestrelEndpoints.EndpointOf(context);
            var isEstPath = context.Request.Path.StartsWithSegments(EstEndpoints.PathPrefix, StringComparison.OrdinalIgnoreCase);
            // CRLs, CA certificates and OCSP are for relying parties: the Public endpoint serves only them, the EST
            // endpoint serves them too (over TLS), the portal never.
            var isPublicPath = RevocationEndpoints.IsPublicPath(context.Request.Path);
            var isHealthPath = HealthEndpoints.IsHealthPath(context.Request.Path);
            if ((endpoint == KestrelEndpoints.Est && !isEstPath && !isPublicPath && !isHealthPath)
                || (endpoint == KestrelEndpoints.Portal && (isEstPath || isPublicPath))
                || (endpoint == KestrelEndpoints.Public && !isPublicPath))
            {
                await EstResults.Error(StatusCodes.Status404NotFound, "not found on this endpoint").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
}
