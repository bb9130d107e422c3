using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EstPortal.Operations.Health;

/// <summary>
/// <c>/healthz</c> (the process answers; touches nothing) and <c>/readyz</c> (database and default CA signer usable, start-up warm-up over)
/// for load balancers and orchestrators, on both endpoints, anonymous, never cached (the middleware sends
/// <c>Cache-Control: no-store, no-cache</c>).
/// </summary>
internal static class HealthEndpoints
{
    public const string AlivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string ReadyTag = "ready";

    public static bool IsHealthPath(PathString path) =>
        path.Equals(AlivePath, StringComparison.OrdinalIgnoreCase) || path.Equals(ReadyPath, StringComparison.OrdinalIgnoreCase);

    public static IHealthChecksBuilder AddReadinessChecks(this IHealthChecksBuilder checks) => checks
        .AddCheck<DatabaseReadinessCheck>(DatabaseReadinessCheck.Name, tags: [ReadyTag])
        .AddCheck<CaSignerReadinessCheck>(CaSignerReadinessCheck.Name, tags: [ReadyTag])
        .AddCheck<Warmup.WarmupReadinessCheck>(Warmup.WarmupReadinessCheck.Name, tags: [ReadyTag]);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAlive }).AllowAnonymous();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteReady }).AllowAnonymous();
    }

    private static Task WriteAlive(HttpContext context, HealthReport report) => WriteText(context, "ok");

    private static Task WriteReady(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Healthy)
            return WriteText(context, "ready");
        var failing = report.Entries
            .Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Status.ToString()}");
        return WriteText(context, "not ready: " + string.Join("; ", failing));
    }

    private static Task WriteText(HttpContext context, string text)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(text);
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
