using System.Text.Json;
using System.Text.Json.Serialization;
using QRCoder;

namespace EstPortal.Components.Shared;

/// <summary>What an installer's phone or a device's setup tool scans: where to enroll, with what, and which CA to expect.</summary>
public sealed record EnrollmentDetails(
    [property: JsonPropertyName("est")] string EstUrl,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("caSha256")] string? CaSha256);

/// <summary>Renders enrollment details as JSON in a QR code, server-side, as a PNG data: URI (no script, no external service).</summary>
public static class EnrollmentQrCode
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Payload(EnrollmentDetails details) => JsonSerializer.Serialize(details, Json);

    public static string PngDataUri(string payload)
    {
        using var generator = new QRCodeGenerator();
        // Medium error correction: survives a smudged printout, and a ~200-character payload still fits a readable code.
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
