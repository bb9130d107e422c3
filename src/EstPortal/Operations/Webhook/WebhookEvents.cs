using System.Text.Json;
using System.Text.Json.Serialization;

namespace EstPortal.Operations.Webhook;

/// <summary>One JSON body to POST, serialized when queued so the queue holds no live objects.</summary>
internal sealed record WebhookMessage(string Event, byte[] Body)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebhookMessage For<T>(T payload) where T : IWebhookEvent =>
        new(payload.Event, JsonSerializer.SerializeToUtf8Bytes(payload, Json));
}

internal interface IWebhookEvent
{
    string Event { get; }
}

/// <summary><c>certificate.expiring</c>: an unrevoked, not yet renewed certificate entered the expiry window.</summary>
internal sealed record CertificateExpiringEvent(string Serial, string Subject, DateTimeOffset NotAfter, string? Device) : IWebhookEvent
{
    [JsonPropertyOrder(-1)]
    public string Event => "certificate.expiring";
}

/// <summary><c>enrollment.refused</c>: an EST enrollment was refused; the reason is the one the client got.</summary>
internal sealed record EnrollmentRefusedEvent(string? Reason, string? Actor, string? ClientIp, DateTimeOffset Time) : IWebhookEvent
{
    [JsonPropertyOrder(-1)]
    public string Event => "enrollment.refused";
}

/// <summary>
/// <c>enrollment.refusals-summarized</c>: refusals of unauthenticated or rate-limited EST requests since the last
/// summary, per client address (the busiest first); the audit log has one row per address and window.
/// </summary>
internal sealed record RefusalsSummarizedEvent(long Refused, int Addresses, IReadOnlyList<RefusalsFromAddress> TopAddresses, DateTimeOffset Time) : IWebhookEvent
{
    [JsonPropertyOrder(-1)]
    public string Event => "enrollment.refusals-summarized";
}

internal sealed record RefusalsFromAddress(string? ClientIp, long Count, string? Reasons);
