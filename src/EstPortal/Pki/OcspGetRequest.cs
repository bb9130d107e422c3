using System.Diagnostics.CodeAnalysis;

namespace EstPortal.Pki;

/// <summary>
/// The GET form of an OCSP request (RFC 6960 Appendix A.1): <c>GET {url}/{url-encoding of base64 of the DER}</c>.
/// </summary>
public static class OcspGetRequest
{
    /// <summary>RFC 5019 §5 asks clients to use GET only below 255 octets; allow generous slack, but bound the work.</summary>
    public const int MaxEncodedLength = 4096;

    /// <param name="encoded">Everything after the responder's base path, still URL-encoded (it may contain '/').</param>
    public static bool TryDecode(string? encoded, [NotNullWhen(true)] out byte[]? der)
    {
        der = null;
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxEncodedLength)
        {
            return false;
        }

        var base64 = Uri.UnescapeDataString(encoded.TrimStart('/'))
            // A '+' that reached us unescaped may have been turned into a space by a form-style decoder on the way.
            .Replace(' ', '+')
            // Some clients send base64url (RFC 4648 §5) although A.1 says base64; the alphabets do not overlap.
            .Replace('-', '+')
            .Replace('_', '/');
        if (base64.Length % 4 != 0)
        {
            base64 = base64.PadRight(base64.Length + (4 - (base64.Length % 4)), '=');
        }

        var buffer = new byte[base64.Length * 3 / 4];
        if (!Convert.TryFromBase64String(base64, buffer, out var written) || written == 0)
        {
            return false;
        }

        der = buffer[..written];
        return true;
    }
}
