using System.Security.Cryptography;
using System.Text;

namespace EstPortal.DeviceAuth;

/// <summary>
/// Device credential secrets and bootstrap tokens: server-generated, 256 bits of entropy, shown once, stored as
/// SHA-256. Because they are random (not chosen by people), a fast hash is enough; comparisons are constant time.
/// </summary>
public static class DeviceSecrets
{
    private const int EntropyBytes = 32;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64UrlEncode(bytes);
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string presented, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    private static string Base64UrlEncode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
