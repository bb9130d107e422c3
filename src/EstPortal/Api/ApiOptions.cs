namespace EstPortal.Api;

/// <summary>The automation API's limits (section <c>EstPortal:Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "EstPortal:Api";

    /// <summary>Requests per key and minute, counted per instance (ADR 0005); over it: 429 with Retry-After.</summary>
    public int RequestsPerMinute { get; set; } = 1200;

    /// <summary>The largest request body read; a larger one is refused before it is parsed.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long the first answer to a POST /api/v1/devices with an Idempotency-Key is kept for its retries.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);
}
