using EstPortal.Hosting;
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
            if ((endpoint == KestrelEndpoints.Est && !isEstPath && !HealthEndpoints.IsHealthPath(context.Request.Path)) || (endpoint == KestrelEndpoints.Portal && isEstPath))
            {
                await EstResults.Error(StatusCodes.Status404NotFound, "not found on this endpoint").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
}
