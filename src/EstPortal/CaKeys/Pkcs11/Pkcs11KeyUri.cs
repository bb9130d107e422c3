using System.Text;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// A key's name in the database: a PKCS#11 URI (RFC 7512) with the token label, the key's label and its CKA_ID, e.g.
/// <c>pkcs11:token=EstPortal;object=issuing-ca;id=%8f%02...</c>. The id finds the key; the labels are for people.
/// It never carries a PIN (RFC 7512 §2.4 would allow pin-value; we do not).
/// </summary>
public sealed record Pkcs11KeyUri(string Token, string Label, byte[] Id)
{
    public override string ToString() =>
        $"pkcs11:token={Encode(Encoding.UTF8.GetBytes(Token), keepText: true)};object={Encode(Encoding.UTF8.GetBytes(Label), keepText: true)};id={Encode(Id, keepText: false)}";

    /// <exception cref="FormatException">Not a pkcs11: URI with token, object and id.</exception>
    public static Pkcs11KeyUri Parse(string uri)
    {
        if (!uri.StartsWith("pkcs11:", StringComparison.Ordinal))
            throw new FormatException($"'{uri}' is not a pkcs11: URI");
        var parts = uri["pkcs11:".Length..].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => Decode(p[1]), StringComparer.Ordinal);
        if (!parts.TryGetValue("token", out var token) || !parts.TryGetValue("object", out var label) || !parts.TryGetValue("id", out var id) || id.Length == 0)
            throw new FormatException($"'{uri}' lacks token, object or id");
        return new Pkcs11KeyUri(Encoding.UTF8.GetString(token), Encoding.UTF8.GetString(label), id);
    }

    // RFC 7512 §2.3: path attribute values are percent-encoded except unreserved characters; ids are all encoded.
    private static string Encode(byte[] value, bool keepText)
    {
        var text = new StringBuilder();
        foreach (var b in value)
        {
            var c = (char)b;
            if (keepText && b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
                text.Append(c);
            else
                text.Append('%').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static byte[] Decode(string value)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length)
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return [.. bytes];
    }
}
