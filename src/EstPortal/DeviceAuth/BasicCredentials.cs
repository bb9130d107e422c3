using System.Text;

namespace EstPortal.DeviceAuth;

/// <summary>HTTP Basic credentials (RFC 7617) as a device presents them.</summary>
public sealed record BasicCredentials(string UserName, string Password)
{
    // A device name plus a 43-character secret fits easily; anything far longer is not a credential of ours.
    private const int MaxHeaderLength = 4096;

    /// <summary>Parses an Authorization header value. Null when absent, malformed or not Basic: all are "no credentials".</summary>
    public static BasicCredentials? Parse(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization) || authorization.Length > MaxHeaderLength)
            return null;
        const string scheme = "Basic ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;

        string decoded;
        try
        {
            var bytes = Convert.FromBase64String(authorization[scheme.Length..].Trim());
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        // RFC 7617 §2: the user-id cannot contain a colon; the password may.
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded.Any(char.IsControl))
            return null;
        return new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]);
    }
}
