using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EstPortal.Tests.Support;

/// <summary>
/// What an authenticator app computes, written from RFC 6238 (TOTP: HOTP of RFC 4226 over 30-second steps since the
/// Unix epoch, HMAC-SHA-1, 6 digits) so the tests check the portal against the standard, not against itself.
/// </summary>
public static class Totp
{
    public static string Code(string base32Key, DateTimeOffset at)
    {
        var step = at.ToUnixTimeSeconds() / 30;
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(Base32Decode(base32Key), counter);
        // RFC 4226 §5.3: dynamic truncation.
        var offset = hash[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7FFFFFFF;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The code for now, waiting out the last two seconds of a step so it is still valid when it arrives.</summary>
    public static async Task<string> CurrentCodeAsync(string base32Key)
    {
        var now = DateTimeOffset.UtcNow;
        if (now.ToUnixTimeSeconds() % 30 >= 28)
            await Task.Delay(TimeSpan.FromSeconds(3));
        return Code(base32Key, DateTimeOffset.UtcNow);
    }

    /// <summary>RFC 4648 §6 base32, ignoring spaces, case and padding (as authenticator apps do).</summary>
    public static byte[] Base32Decode(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is ' ' or '=')
                continue;
            var value = Alphabet.IndexOf(c);
            if (value < 0)
                throw new FormatException($"'{c}' is not base32");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
            }
        }
        return [.. output];
    }
}
