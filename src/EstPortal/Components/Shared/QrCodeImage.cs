using QRCoder;

namespace EstPortal.Components.Shared;

/// <summary>
/// Draws a QR code server-side as a PNG data: URI: no script and no external service, and the portal's
/// Content-Security-Policy allows data: images.
/// </summary>
public static class QrCodeImage
{
    public static string PngDataUri(string payload)
    {
        using var generator = new QRCodeGenerator();
        // Medium error correction: survives a smudged printout, and a ~200-character payload still fits a readable code.
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
