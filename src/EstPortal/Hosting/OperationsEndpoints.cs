using EstPortal.Operations.Health;
using EstPortal.Operations.Metrics;
using Microsoft.Extensions.Options;

namespace EstPortal.Hosting;

internal static class OperationsEndpoints
{
    /// <summary>
    /// Health probes (both endpoints: EndpointSeparation lets them through on EST) and the Prometheus scrape
    /// endpoint (portal endpoint only, since EndpointSeparation answers 404 for it on EST).
    /// </summary>
    public static void MapOperationsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        var metrics = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (metrics.Enabled)
            app.MapPrometheusScrapingEndpoint(metrics.Path).AllowAnonymous();
    }
}
