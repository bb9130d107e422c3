using Microsoft.Playwright;
using ZXing;
using ZXing.Common;

namespace EstPortal.Tests.Browser;

/// <summary>
/// Reads a QR code image as a phone would see it: the browser draws the <c>img</c> it shows into a canvas and hands over
/// its pixels, and ZXing decodes them.
/// </summary>
public static class QrCodeReader
{
    private const string PixelsScript = """
        async img => {
          await img.decode(); // an image not yet decoded draws as transparent pixels
          const scale = 2;    // two pixels per pixel, unsmoothed: the binarizer sees crisp modules
          const canvas = document.createElement('canvas');
          canvas.width = img.naturalWidth * scale; canvas.height = img.naturalHeight * scale;
          const g = canvas.getContext('2d');
          g.imageSmoothingEnabled = false;
          g.fillStyle = '#fff'; g.fillRect(0, 0, canvas.width, canvas.height);
          g.drawImage(img, 0, 0, canvas.width, canvas.height);
          const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
          let binary = '';
          for (let i = 0; i < data.length; i += 8192) binary += String.fromCharCode.apply(null, data.subarray(i, i + 8192));
          return { width: canvas.width, height: canvas.height, rgba: btoa(binary) };
        }
        """;

    /// <summary>Playwright fills the result by property, so it needs a parameterless constructor.</summary>
    private sealed class Pixels
    {
        public int Width { get; set; }
        public int Height { get; set; }
        public string Rgba { get; set; } = "";
    }

    public static async Task<string> DecodeAsync(ILocator image)
    {
        var pixels = await image.EvaluateAsync<Pixels>(PixelsScript);
        var source = new RGBLuminanceSource(Convert.FromBase64String(pixels.Rgba), pixels.Width, pixels.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var bitmap = new BinaryBitmap(new HybridBinarizer(source));
        var reader = new ZXing.QrCode.QRCodeReader();
        // ZXing's finder-pattern detector misses about one valid code in sixty of the size a token sheet prints (seen as
        // CI failures; zbarimg reads those same pixels). The image is exactly one rendered code with its quiet zone,
        // which is what ZXing's pure-barcode mode reads without the detector, so that is the second attempt.
        var result = reader.decode(bitmap, new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true })
            ?? reader.decode(bitmap, new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true });
        return result?.Text ?? throw new InvalidOperationException("the image is not a readable QR code");
    }
}
