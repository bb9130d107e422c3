using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EstPortal.Pki;

/// <summary>
/// Certificate serial numbers: 16 octets, the first six the issuing time in milliseconds since the Unix epoch, the
/// other ten (80 bits) random. RFC 5280 §4.1.2.2 requires a positive integer of at most 20 octets; the CA/Browser
/// Forum baseline asks for non-sequential serials with at least 64 bits from a CSPRNG, so serials cannot be predicted;
/// the database's unique index is the final guard. The time prefix makes serials, stored as fixed-length hex, sort in
/// issuing order: each new certificate lands at the end of the serial indexes instead of on a random page of them,
/// which is what keeps enrollment as fast on a database of millions of certificates as on an empty one (ADR 0029).
/// </summary>
public sealed class SerialNumberGenerator(TimeProvider time)
{
    /// <summary>Length of every serial this generator produces, in octets.</summary>
    public const int SerialLength = 16;

    /// <summary>Octets of the time prefix: 48 bits of milliseconds last until the year 10889.</summary>
    public const int TimeLength = 6;

    public byte[] Next()
    {
        var serial = new byte[SerialLength];
        var now = time.GetUtcNow();
        var milliseconds = now.ToUnixTimeMilliseconds();
        if (milliseconds < 1L << 40 || milliseconds >= 1L << 47)
        {
            // Before 2004 the first octet would be zero (dropped by minimal DER, changing the length); from the year
            // 6429 the sign bit. A clock that far off is a broken clock, not a date to issue at.
            throw new InvalidOperationException($"the clock reads {now:O}, outside the range a serial number can encode");
        }
        Span<byte> prefix = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(prefix, milliseconds);
        prefix[(sizeof(long) - TimeLength)..].CopyTo(serial);
        RandomNumberGenerator.Fill(serial.AsSpan(TimeLength));
        return serial;
    }

    /// <summary>Upper-case hex, the same form <c>X509Certificate2.SerialNumber</c> gives and the database stores.</summary>
    public static string ToHex(ReadOnlySpan<byte> serial) => Convert.ToHexString(serial);
}
