using System.Text.Json;
using System.Text.Json.Serialization;

namespace EstPortal.Components.Shared;

/// <summary>What an installer's phone or a device's setup tool scans: where to enroll, with what, and which CA to expect.</summary>
public sealed record EnrollmentDetails(
    [property: JsonPropertyName("est")] string EstUrl,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("caSha256")] string? CaSha256);

/// <summary>Enrollment details as the JSON an enrollment QR code carries (drawn by <see cref="QrCodeImage"/>).</summary>
public static class EnrollmentQrCode
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Payload(EnrollmentDetails details) => JsonSerializer.Serialize(details, Json);
}
