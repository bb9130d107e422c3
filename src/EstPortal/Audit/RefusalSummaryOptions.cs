using Microsoft.Extensions.Options;

namespace EstPortal.Audit;

/// <summary><c>EstPortal:RefusalSummary</c>: how refusals of unauthenticated requests are summed up (ADR 0014).</summary>
public sealed class RefusalSummaryOptions
{
    public const string Section = "EstPortal:RefusalSummary";

    /// <summary>One audit row per client address and window; also the longest a webhook summary waits.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class RefusalSummaryOptionsValidator : IValidateOptions<RefusalSummaryOptions>
{
    public ValidateOptionsResult Validate(string? name, RefusalSummaryOptions options) =>
        options.Window < TimeSpan.FromSeconds(1) || options.Window > TimeSpan.FromHours(1) || TimeSpan.FromDays(1).Ticks % options.Window.Ticks != 0
            ? ValidateOptionsResult.Fail("EstPortal:RefusalSummary:Window must be between 00:00:01 and 01:00:00 and divide a day evenly (e.g. 00:01:00).")
            : ValidateOptionsResult.Success;
}
