using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Webhook;

/// <summary><c>EstPortal:Webhook</c>: where expiry warnings and enrollment refusals are posted. No Url, no webhook.</summary>
public sealed class WebhookOptions
{
    public const string Section = "EstPortal:Webhook";

    /// <summary>Absolute http or https URL that receives JSON POSTs.</summary>
    public string? Url { get; set; }

    /// <summary>A certificate is announced once when its notAfter comes within this many days.</summary>
    public int ExpiryDays { get; set; } = 30;

    /// <summary>How often issued certificates are checked against the expiry window.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromHours(1);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Url);
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.IsEnabled
            && (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
            failures.Add($"EstPortal:Webhook:Url must be an absolute http or https URL, not '{options.Url}'.");
        if (options.ExpiryDays is < 1 or > 3650)
            failures.Add("EstPortal:Webhook:ExpiryDays must be between 1 and 3650.");
        if (options.ScanInterval < TimeSpan.FromSeconds(1) || options.ScanInterval > TimeSpan.FromDays(1))
            failures.Add("EstPortal:Webhook:ScanInterval must be between 00:00:01 and 1.00:00:00.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
