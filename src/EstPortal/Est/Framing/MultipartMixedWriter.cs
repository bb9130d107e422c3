using System.Security.Cryptography;
using System.Text;

namespace EstPortal.Est.Framing;

/// <summary>
/// Writes the /serverkeygen response body (RFC 7030 §4.4.2): multipart/mixed (RFC 2046 §5.1) with the private key
/// part first and the certificate part second, each base64 with "Content-Transfer-Encoding: base64" as §4.4.2
/// states for both parts (RFC 8951 tells receivers not to rely on that header; clients written to RFC 7030 look for
/// it, and sending it costs nothing). Line endings are CRLF (RFC 2046 §5.1.1).
/// </summary>
public static class MultipartMixedWriter
{
    /// <summary>The key part's media type when the key is encrypted (RFC 7030 §4.4.2).</summary>
    public const string ServerGeneratedKeyMediaType = "application/pkcs7-mime; smime-type=server-generated-key";

    private const string Crlf = "\r\n";

    /// <param name="privateKey">DER PKCS#8 or DER CMS ContentInfo, as <paramref name="keyFormat"/> says.</param>
    /// <param name="certsOnlyPkcs7">The issued certificate as the same certs-only PKCS#7 /simpleenroll returns (RFC 7030 §4.4.2).</param>
    /// <param name="wrapAt64">Same switch as <see cref="EstBase64.Encode"/>: false gives one line per part, true 64-character lines for libest-based clients.</param>
    public static MultipartMixedBody WriteServerKeygenResponse(
        ReadOnlySpan<byte> privateKey, ServerKeyPartFormat keyFormat, ReadOnlySpan<byte> certsOnlyPkcs7, bool wrapAt64 = false) =>
        WriteServerKeygenResponse(privateKey, keyFormat, certsOnlyPkcs7, wrapAt64, NewBoundary());

    internal static MultipartMixedBody WriteServerKeygenResponse(
        ReadOnlySpan<byte> privateKey, ServerKeyPartFormat keyFormat, ReadOnlySpan<byte> certsOnlyPkcs7, bool wrapAt64, string boundary)
    {
        if (privateKey.IsEmpty)
        {
            throw new ArgumentException("the private key part is empty", nameof(privateKey));
        }

        if (certsOnlyPkcs7.IsEmpty)
        {
            throw new ArgumentException("the certificate part is empty", nameof(certsOnlyPkcs7));
        }

        var keyMediaType = keyFormat switch
        {
            ServerKeyPartFormat.Pkcs8 => EstMediaTypes.Pkcs8,
            ServerKeyPartFormat.EncryptedCms => ServerGeneratedKeyMediaType,
            _ => throw new ArgumentOutOfRangeException(nameof(keyFormat), keyFormat, "unknown key part format"),
        };

        // Written straight into one byte array, never into a string: the key part's base64 is a private key, and the
        // caller zeroes this buffer once the response is sent (strings cannot be zeroed).
        var keyHeader = PartHeader(boundary, keyMediaType);
        var certificateHeader = PartHeader(boundary, EstMediaTypes.Pkcs7CertsOnly);
        // RFC 2046 §5.1.1: the close delimiter; the CRLF before it belongs to the delimiter, not to the last part.
        var close = "--" + boundary + "--" + Crlf;
        var body = new byte[keyHeader.Length + EstBase64.Utf8Length(privateKey.Length, wrapAt64) + Crlf.Length
            + certificateHeader.Length + EstBase64.Utf8Length(certsOnlyPkcs7.Length, wrapAt64) + Crlf.Length + close.Length];
        var span = body.AsSpan();
        var written = Encoding.ASCII.GetBytes(keyHeader, span);
        written += EstBase64.EncodeToUtf8(privateKey, wrapAt64, span[written..]);
        written += Encoding.ASCII.GetBytes(Crlf + certificateHeader, span[written..]);
        written += EstBase64.EncodeToUtf8(certsOnlyPkcs7, wrapAt64, span[written..]);
        written += Encoding.ASCII.GetBytes(Crlf + close, span[written..]);
        if (written != body.Length)
            throw new InvalidOperationException("multipart body length miscounted");

        return new MultipartMixedBody($"{EstMediaTypes.MultipartMixed}; boundary={boundary}", body);
    }

    private static string PartHeader(string boundary, string mediaType) =>
        "--" + boundary + Crlf
        + "Content-Type: " + mediaType + Crlf
        + "Content-Transfer-Encoding: base64" + Crlf
        + Crlf;

    /// <summary>
    /// 128 random bits in hex. Base64 never contains '-', so "--" + this boundary cannot occur inside a part
    /// (RFC 2046 §5.1.1 requires that); random rather than fixed so a body never resembles another's delimiter.
    /// Letters, digits and '-' only: a valid token, so the Content-Type parameter needs no quoting.
    /// </summary>
    private static string NewBoundary() =>
        "est-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
