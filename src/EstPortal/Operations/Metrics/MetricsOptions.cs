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

    /// <summary>Optional: scrapes must present this as <c>Authorization: Bearer …</c> (at least 32 characters).</summary>
    public string? BearerToken { get; set; }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        if (options.Path is not ['/', _, ..] || options.Path.Contains('?') || options.Path.Contains('#'))
            failures.Add("EstPortal:Metrics:Path must be a path such as /metrics (starting with '/', no query).");
        if (options.BearerToken is { } token && (token.Length < 32 || token.Any(char.IsWhiteSpace)))
            failures.Add("EstPortal:Metrics:BearerToken must be at least 32 characters without spaces (e.g. openssl rand -hex 32).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
