using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace EstPortal.Est.Framing;

/// <summary>
/// Base64 bodies for EST responses (RFC 7030 §4; RFC 8951 §3.1: RFC 4648 base64, Content-Transfer-Encoding
/// is not used).
/// </summary>
public static class EstBase64
{
    private const int LineLength = 64;

    /// <param name="wrapAt64">
    /// False (the default, and what RFC 4648 §3.1 asks for): one line, no breaks — strongSwan's pki cannot decode
    /// wrapped base64. True: 64-character lines ending in CRLF, for clients built on libest, whose decoder needs
    /// line breaks.
    /// </param>
    public static string Encode(ReadOnlySpan<byte> der, bool wrapAt64 = false)
    {
        var base64 = Convert.ToBase64String(der);
        if (!wrapAt64 || base64.Length == 0)
        {
            return base64;
        }

        var lines = (base64.Length + LineLength - 1) / LineLength;
        var wrapped = new StringBuilder(base64.Length + (lines * 2));
        for (var offset = 0; offset < base64.Length; offset += LineLength)
        {
            wrapped.Append(base64, offset, Math.Min(LineLength, base64.Length - offset)).Append("\r\n");
        }

        return wrapped.ToString();
    }

    /// <summary>Length of <see cref="EncodeToUtf8"/>'s output: the base64 text, lines joined by CRLF when wrapped, no final CRLF.</summary>
    public static int Utf8Length(int derLength, bool wrapAt64)
    {
        var base64 = Base64.GetMaxEncodedToUtf8Length(derLength);
        return wrapAt64 && base64 > 0 ? base64 + (((base64 - 1) / LineLength) * 2) : base64;
    }

    /// <summary>
    /// The same text as <see cref="Encode"/> (without its final CRLF when wrapped), written as ASCII bytes straight into
    /// <paramref name="destination"/>: no string is made, so a buffer holding a private key can be zeroed afterwards.
    /// </summary>
    /// <returns>Bytes written: <see cref="Utf8Length"/>.</returns>
    public static int EncodeToUtf8(ReadOnlySpan<byte> der, bool wrapAt64, Span<byte> destination)
    {
        if (!wrapAt64)
            return Write(der, destination, isFinalBlock: true);

        // 48 bytes of input are exactly one 64-character line.
        const int bytesPerLine = LineLength / 4 * 3;
        var written = 0;
        for (var offset = 0; offset < der.Length; offset += bytesPerLine)
        {
            if (offset > 0)
            {
                "\r\n"u8.CopyTo(destination[written..]);
                written += 2;
            }
            var line = der.Slice(offset, Math.Min(bytesPerLine, der.Length - offset));
            written += Write(line, destination[written..], isFinalBlock: true);
        }
        return written;
    }

    private static int Write(ReadOnlySpan<byte> data, Span<byte> destination, bool isFinalBlock)
    {
        var status = Base64.EncodeToUtf8(data, destination, out _, out var written, isFinalBlock);
        if (status != OperationStatus.Done)
            throw new ArgumentException("the destination is too small for the base64 text", nameof(destination));
        return written;
    }
}
