using EstPortal.Hosting;
using EstPortal.Lifecycle;
using EstPortal.Operations.Health;
using EstPortal.Operations.Metrics;
using Microsoft.Extensions.Options;

namespace EstPortal.Est;

/// <summary>
/// EST answers only on the EST endpoint and the portal only on the portal endpoint, so a client certificate prompt
/// never reaches a browser and cookie-authenticated pages are never served where client certificates are allowed.
/// The health probes are the exception: a load balancer in front of the EST port must be able to ask it.
/// </summary>
internal static class EndpointSeparation
{
    public static IApplicationBuilder UseEndpointSeparation(this IApplicationBuilder app)
    {
        var metricsPath = new PathString(app.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value.Path);
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var isEstPath = path.StartsWithSegments(EstEndpoints.PathPrefix, StringComparison.OrdinalIgnoreCase);
            // CRLs, CA certificates and OCSP are for relying parties: the Public endpoint serves only them, the EST
            // endpoint serves them too (over TLS), the portal never.
            var isPublicPath = RevocationEndpoints.IsPublicPath(path);
            var isHealthPath = HealthEndpoints.IsHealthPath(path);
            // Metrics describe the whole fleet's traffic: only the management endpoint, which the operator binds to
            // an internal address, serves them (ADR 0017).
            var isMetricsPath = path.Equals(metricsPath, StringComparison.OrdinalIgnoreCase);
            var served = KestrelEndpoints.EndpointOf(context) switch
            {
                KestrelEndpoints.Est => isEstPath || isPublicPath || isHealthPath,
                KestrelEndpoints.Portal => !isEstPath && !isPublicPath && !isMetricsPath,
                KestrelEndpoints.Public => isPublicPath,
                KestrelEndpoints.Management => isMetricsPath || isHealthPath,
                _ => true,
            };
            if (!served)
            {
                await EstResults.Error(StatusCodes.Status404NotFound, "not found on this endpoint").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}
