using System.Text;

namespace EstPortal.Components.Account;

/// <summary>
/// The otpauth:// URI an authenticator app scans (Google Authenticator's key URI format): TOTP, SHA-1, 6 digits,
/// 30-second steps — what Identity's authenticator token provider checks (RFC 6238). The issuer names the portal in
/// the app's list.
/// </summary>
public static class AuthenticatorKeyUri
{
    public const string Issuer = "EstPortal";

    public static string For(string accountName, string base32Key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(accountName)}" +
        $"?secret={base32Key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";

    /// <summary>The key in groups of four, lower case, for typing by hand (apps ignore spaces and case).</summary>
    public static string Readable(string base32Key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < base32Key.Length; i += 4)
        {
            if (i > 0)
                text.Append(' ');
            text.Append(base32Key.AsSpan(i, Math.Min(4, base32Key.Length - i)));
        }
        return text.ToString().ToLowerInvariant();
    }
}
