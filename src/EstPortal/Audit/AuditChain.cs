using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EstPortal.Data.Entities;

namespace EstPortal.Audit;

/// <summary>
/// How one audit event is chained to the one before it: HMAC-SHA256, under the chain's secret key, over the previous
/// hash and every field of the event, each length-prefixed so no two different events encode alike. Changing,
/// removing or reordering an event breaks every hash after it; without the key nobody can re-chain an edit.
/// </summary>
public static class AuditChain
{
    public static string Compute(ReadOnlySpan<byte> key, string previousHash, AuditEvent e)
    {
        using var buffer = new MemoryStream();
        Write(buffer, previousHash);
        Write(buffer, e.Sequence.ToString(CultureInfo.InvariantCulture));
        Write(buffer, e.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Write(buffer, e.EventType);
        Write(buffer, e.Outcome);
        Write(buffer, e.Actor);
        Write(buffer, e.ClientIp);
        Write(buffer, e.Reason);
        Write(buffer, e.SerialNumber);
        Write(buffer, e.DeviceId?.ToString("D"));
        Write(buffer, e.Details);
        Write(buffer, e.CsrSha256);
        return Convert.ToHexString(HMACSHA256.HashData(key, buffer.ToArray()));
    }

    /// <summary>Timestamps are kept to the microsecond, the precision every supported database stores exactly.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    private static void Write(Stream stream, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            stream.Write(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }
}
