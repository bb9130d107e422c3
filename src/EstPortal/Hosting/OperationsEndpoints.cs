using EstPortal.Operations.Health;
using EstPortal.Operations.Metrics;
using Microsoft.Extensions.Options;

namespace EstPortal.Hosting;

internal static class OperationsEndpoints
{
    /// <summary>
    /// Health probes (portal, EST and management endpoints: EndpointSeparation lets them through) and the Prometheus
    /// scrape endpoint (management endpoint only; without one, metrics are neither collected nor served).
    /// </summary>
    public static void MapOperationsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        if (!MetricsOptions.AreServed(app.Configuration))
            return;
        app.UseMetricsBearerToken();
        app.MapPrometheusScrapingEndpoint(app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Path).AllowAnonymous();
    }
}
