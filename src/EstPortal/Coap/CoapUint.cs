namespace EstPortal.Coap;

/// <summary>RFC 7252 §3.2 "uint" option values: big-endian, no leading zero bytes, at most 4 bytes here.</summary>
public static class CoapUint
{
    /// <summary>Null when the value is longer than 4 bytes (no option this server reads is).</summary>
    public static uint? Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length > 4)
            return null;
        uint result = 0;
        foreach (var b in value)
            result = (result << 8) | b;
        return result;
    }

    public static byte[] Encode(uint value)
    {
        var length = value == 0 ? 0 : value <= 0xff ? 1 : value <= 0xffff ? 2 : value <= 0xffffff ? 3 : 4;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--, value >>= 8)
            bytes[i] = (byte)value;
        return bytes;
    }
}
