using EstPortal.Hosting;

namespace EstPortal.Est;

/// <summary>
/// EST answers only on the EST endpoint and the portal only on the portal endpoint, so a client certificate prompt
/// never reaches a browser and cookie-authenticated pages are never served where client certificates are allowed.
/// </summary>
internal static class EndpointSeparation
{
    public static IApplicationBuilder UseEndpointSeparation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var endpoint = KestrelEndpoints.EndpointOf(context);
            var isEstPath = context.Request.Path.StartsWithSegments(EstEndpoints.PathPrefix, StringComparison.OrdinalIgnoreCase);
            if ((endpoint == KestrelEndpoints.Est && !isEstPath) || (endpoint == KestrelEndpoints.Portal && isEstPath))
            {
                await EstResults.Error(StatusCodes.Status404NotFound, "not found on this endpoint").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
}
