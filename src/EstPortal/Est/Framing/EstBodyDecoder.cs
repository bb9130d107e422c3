using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace EstPortal.Est.Framing;

/// <summary>
/// Unwraps an EST request body (a PKCS#10 request) to DER. RFC 7030 §4.2.1 specifies base64; real clients also
/// send wrapped base64, PEM or raw DER, so all are accepted. RFC 8951 §3.2: Content-Transfer-Encoding is ignored,
/// the body's own form decides. Every failure is an <see cref="EstFramingException"/>.
/// </summary>
public static class EstBodyDecoder
{
    public const string EmptyBody = "the request body is empty";
    public const string NotBase64PemOrDer = "the request body is not valid base64, PEM or DER";
    public const string NotOneDerStructure = "the request body is truncated or has trailing data (not one DER structure)";

    private static readonly string[] AcceptedPemLabels = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

    /// <exception cref="EstFramingException">The body is empty or not base64, PEM or DER holding one ASN.1 structure.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> body)
    {
        var text = TrimWhitespace(SkipUtf8Bom(body));
        if (text.IsEmpty)
        {
            throw new EstFramingException(EmptyBody);
        }

        // Raw DER starts with a SEQUENCE tag (0x30, which is also the base64 character '0'): binary DER is
        // practically never pure base64 text, so anything that is not text is taken as DER. The untrimmed body is
        // used because a DER encoding may legitimately end in a byte that looks like whitespace.
        byte[] der;
        if (body[0] == 0x30 && !IsBase64Text(body))
        {
            der = body.ToArray();
        }
        else if (text.IndexOf("-----BEGIN"u8) >= 0)
        {
            der = DecodePem(text);
        }
        else
        {
            der = DecodeBase64(text);
        }

        EnsureSingleStructure(der);
        return der;
    }

    private static byte[] DecodeBase64(ReadOnlySpan<byte> text)
    {
        if (!IsBase64Text(text))
        {
            throw new EstFramingException(NotBase64PemOrDer);
        }

        // Convert skips the whitespace (space, tab, CR, LF) that line-wrapping clients insert.
        var chars = Encoding.ASCII.GetString(text);
        var buffer = new byte[(chars.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(chars, buffer, out var written) || written == 0)
        {
            throw new EstFramingException(NotBase64PemOrDer);
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    private static byte[] DecodePem(ReadOnlySpan<byte> text)
    {
        if (!Ascii.IsValid(text))
        {
            throw new EstFramingException(NotBase64PemOrDer);
        }

        var chars = Encoding.ASCII.GetString(text);
        if (!PemEncoding.TryFind(chars, out var fields))
        {
            throw new EstFramingException("the request body has a malformed PEM block");
        }

        var label = chars[fields.Label];
        if (!AcceptedPemLabels.Contains(label, StringComparer.Ordinal))
        {
            throw new EstFramingException($"the PEM block is labelled '{label}', expected 'CERTIFICATE REQUEST'");
        }

        var buffer = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(chars.AsSpan(fields.Base64Data), buffer, out var written) || written == 0)
        {
            throw new EstFramingException("the request body has a malformed PEM block");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    // A cut-off upload or concatenated garbage is reported here rather than as a confusing parser error later.
    private static void EnsureSingleStructure(byte[] der)
    {
        bool complete;
        try
        {
            complete = AsnDecoder.TryReadEncodedValue(der, AsnEncodingRules.BER, out var tag, out _, out _, out var consumed) &&
                consumed == der.Length &&
                tag.IsConstructed;
        }
        catch (AsnContentException ex)
        {
            // Thrown (rather than returning false) for malformed indefinite-length contents.
            throw new EstFramingException(NotOneDerStructure, ex);
        }

        if (!complete)
        {
            throw new EstFramingException(NotOneDerStructure);
        }
    }

    private static bool IsBase64Text(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            var ok = b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or
                (>= (byte)'0' and <= (byte)'9') or (byte)'+' or (byte)'/' or (byte)'=' || IsWhitespace(b);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> span)
    {
        var start = 0;
        while (start < span.Length && IsWhitespace(span[start]))
        {
            start++;
        }

        var end = span.Length;
        while (end > start && IsWhitespace(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }

    private static ReadOnlySpan<byte> SkipUtf8Bom(ReadOnlySpan<byte> span) =>
        span.StartsWith("\uFEFF"u8) ? span[3..] : span;
}
