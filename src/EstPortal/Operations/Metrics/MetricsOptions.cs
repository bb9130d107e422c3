using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Metrics;

/// <summary><c>EstPortal:Metrics</c>: the Prometheus scrape endpoint, served on the management endpoint only.</summary>
public sealed class MetricsOptions
{
    public const string Section = "EstPortal:Metrics";

    /// <summary>
    /// Metrics are collected and served only when enabled and a management endpoint (<c>Kestrel:Endpoints:Management:Url</c>)
    /// is configured: the counters describe every device's traffic and are not for the portal's or EST's audience.
    /// </summary>
    public static bool AreServed(IConfiguration configuration) =>
        (configuration.GetSection(Section).Get<MetricsOptions>()?.Enabled ?? true)
        && !string.IsNullOrWhiteSpace(configuration[Hosting.KestrelEndpoints.ManagementUrlSetting]);

    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options) =>
        options.Path is ['/', _, ..] && !options.Path.Contains('?') && !options.Path.Contains('#')
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("EstPortal:Metrics:Path must be a path such as /metrics (starting with '/', no query).");
}
