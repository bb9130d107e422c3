using System.Security.Cryptography;

namespace EstPortal.Pki;

/// <summary>
/// Random certificate serial numbers. RFC 5280 §4.1.2.2 requires a positive integer of at most 20 octets; the
/// CA/Browser Forum baseline asks for at least 64 random bits. We use 128 bits so collisions are not a concern and
/// serials cannot be predicted; the database's unique index is the final guard.
/// </summary>
public sealed class SerialNumberGenerator
{
    /// <summary>Length of every serial this generator produces, in octets.</summary>
    public const int SerialLength = 16;

    public byte[] Next()
    {
        var serial = new byte[SerialLength];
        do
        {
            RandomNumberGenerator.Fill(serial);

            // Clear the sign bit so the DER INTEGER is positive without a 0x00 pad octet.
            serial[0] &= 0x7F;
        }
        // A zero first octet would be dropped by minimal DER encoding and change the serial's length (1 in 128 draws).
        while (serial[0] == 0);

        return serial;
    }

    /// <summary>Upper-case hex, the same form <c>X509Certificate2.SerialNumber</c> gives and the database stores.</summary>
    public static string ToHex(ReadOnlySpan<byte> serial) => Convert.ToHexString(serial);
}
