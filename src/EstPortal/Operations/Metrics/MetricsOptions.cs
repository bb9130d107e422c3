using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Metrics;

/// <summary><c>EstPortal:Metrics</c>: the Prometheus scrape endpoint on the portal endpoint.</summary>
public sealed class MetricsOptions
{
    public const string Section = "EstPortal:Metrics";

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
