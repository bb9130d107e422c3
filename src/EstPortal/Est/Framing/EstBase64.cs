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
}
