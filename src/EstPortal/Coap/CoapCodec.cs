using System.Diagnostics.CodeAnalysis;

namespace EstPortal.Coap;

/// <summary>
/// RFC 7252 §3 message format. Decoding never throws: a datagram that is not a well-formed CoAP message yields an
/// error text (RFC 7252 §4.2/§4.3: the receiver rejects it — a Reset, or silence — and nothing else happens).
/// </summary>
public static class CoapCodec
{
    private const byte PayloadMarker = 0xff;

    /// <summary>Largest option value we keep; RFC 7252's longest defined option (Proxy-Uri) is 1034 bytes.</summary>
    public const int MaxOptionLength = 1034;

    public static bool TryDecode(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out CoapMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (datagram.Length < 4)
            return Fail("shorter than the 4-byte header", out error);
        var version = datagram[0] >> 6;
        if (version != 1)
            return Fail($"version {version}, not 1", out error);
        var type = (CoapMessageType)((datagram[0] >> 4) & 0x3);
        var tokenLength = datagram[0] & 0xf;
        // RFC 7252 §3: token lengths 9-15 are reserved and "MUST be processed as a message format error".
        if (tokenLength > 8)
            return Fail($"token length {tokenLength} is reserved", out error);
        var code = datagram[1];
        var messageId = (ushort)((datagram[2] << 8) | datagram[3]);
        if (datagram.Length < 4 + tokenLength)
            return Fail("truncated token", out error);
        var token = datagram.Slice(4, tokenLength).ToArray();

        var options = new List<CoapOption>();
        var rest = datagram[(4 + tokenLength)..];
        var number = 0;
        var payload = Array.Empty<byte>();
        while (!rest.IsEmpty)
        {
            if (rest[0] == PayloadMarker)
            {
                // RFC 7252 §3: a marker followed by a zero-length payload is a message format error.
                if (rest.Length == 1)
                    return Fail("payload marker without a payload", out error);
                payload = rest[1..].ToArray();
                break;
            }
            var deltaNibble = rest[0] >> 4;
            var lengthNibble = rest[0] & 0xf;
            rest = rest[1..];
            if (!TryExtended(deltaNibble, ref rest, out var delta) || !TryExtended(lengthNibble, ref rest, out var length))
                return Fail("reserved or truncated option delta/length", out error);
            number += delta;
            if (number > ushort.MaxValue)
                return Fail("option number above 65535", out error);
            if (length > rest.Length)
                return Fail($"option {number} is longer than the message", out error);
            if (length > MaxOptionLength)
                return Fail($"option {number} is longer than {MaxOptionLength} bytes", out error);
            options.Add(new CoapOption(number, rest[..length].ToArray()));
            rest = rest[length..];
        }

        // RFC 7252 §4.1: an Empty message has only the header.
        if (code == CoapCodes.Empty && (tokenLength != 0 || options.Count != 0 || payload.Length != 0))
            return Fail("an Empty message with a token, options or payload", out error);
        message = new CoapMessage(type, code, messageId, token, options, payload);
        error = null;
        return true;
    }

    /// <summary>RFC 7252 §3.1: nibble 13 → one more byte + 13, 14 → two more bytes + 269, 15 → reserved.</summary>
    private static bool TryExtended(int nibble, ref ReadOnlySpan<byte> rest, out int value)
    {
        value = nibble;
        switch (nibble)
        {
            case < 13:
                return true;
            case 13 when rest.Length >= 1:
                value = rest[0] + 13;
                rest = rest[1..];
                return true;
            case 14 when rest.Length >= 2:
                value = ((rest[0] << 8) | rest[1]) + 269;
                rest = rest[2..];
                return true;
            default:
                return false;
        }
    }

    public static byte[] Encode(CoapMessage message)
    {
        if (message.Token.Length > 8)
            throw new ArgumentException("a token is at most 8 bytes (RFC 7252 §3)", nameof(message));
        using var buffer = new MemoryStream(64 + message.Payload.Length);
        buffer.WriteByte((byte)((1 << 6) | ((int)message.Type << 4) | message.Token.Length));
        buffer.WriteByte(message.Code);
        buffer.WriteByte((byte)(message.MessageId >> 8));
        buffer.WriteByte((byte)message.MessageId);
        buffer.Write(message.Token);

        var previous = 0;
        // Stable sort: repeated options (Uri-Path, Location-Path) keep their order.
        foreach (var option in message.Options.OrderBy(o => o.Number))
        {
            var delta = option.Number - previous;
            previous = option.Number;
            var (deltaNibble, deltaExtra) = Nibble(delta);
            var (lengthNibble, lengthExtra) = Nibble(option.Value.Length);
            buffer.WriteByte((byte)((deltaNibble << 4) | lengthNibble));
            buffer.Write(deltaExtra);
            buffer.Write(lengthExtra);
            buffer.Write(option.Value);
        }

        if (message.Payload.Length > 0)
        {
            buffer.WriteByte(PayloadMarker);
            buffer.Write(message.Payload);
        }
        return buffer.ToArray();
    }

    private static (int Nibble, byte[] Extra) Nibble(int value) => value switch
    {
        < 13 => (value, []),
        < 269 => (13, [(byte)(value - 13)]),
        _ => (14, [(byte)((value - 269) >> 8), (byte)(value - 269)]),
    };

    private static bool Fail(string reason, out string error)
    {
        error = reason;
        return false;
    }
}
