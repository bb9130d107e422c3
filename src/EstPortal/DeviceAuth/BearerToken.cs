using System.Text;

namespace EstPortal.DeviceAuth;

/// <summary>
/// A bootstrap token sent as <c>Authorization: Bearer …</c> (RFC 6750 §2.1). Only bootstrap tokens are accepted this
/// way, never a device credential secret. libest's <c>estclient --auth-token</c> base64-encodes the token before
/// sending it, a scripted client (<c>curl -H "Authorization: Bearer $TOKEN"</c>) sends it as issued; both forms are
/// offered to the token lookup.
/// </summary>
public sealed record BearerToken(string Value)
{
    // A 43-character token, base64-encoded by libest, is about 60 characters; anything far longer is not ours.
    private const int MaxHeaderLength = 1024;

    public static BearerToken? Parse(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization) || authorization.Length > MaxHeaderLength)
            return null;
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var value = authorization[scheme.Length..].Trim();
        return value.Length == 0 || value.Any(c => char.IsControl(c) || c == ' ') ? null : new BearerToken(value);
    }

    /// <summary>The token as sent, then its base64 decoding when that is printable text (libest's form).</summary>
    public IEnumerable<string> Candidates()
    {
        yield return Value;
        if (Decoded() is { } decoded && decoded != Value)
            yield return decoded;
    }

    private string? Decoded()
    {
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(Value));
            return text.Length == 0 || text.Any(char.IsControl) ? null : text;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
