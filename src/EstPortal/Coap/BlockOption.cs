namespace EstPortal.Coap;

/// <summary>
/// RFC 7959 §2.2 Block1/Block2 value: NUM (up to 20 bits), M (more blocks follow), SZX (block size 2^(SZX+4), 16..1024).
/// SZX 7 is reserved (§2.2: "MUST NOT be used") and a value longer than 3 bytes is malformed; both are refused here.
/// </summary>
public readonly record struct BlockOption(uint Number, bool More, int SizeExponent)
{
    public const uint MaxNumber = (1u << 20) - 1;

    public int Size => 1 << (SizeExponent + 4);

    /// <summary>Byte offset of this block in the whole body.</summary>
    public long Offset => (long)Number * Size;

    public static bool TryDecode(ReadOnlySpan<byte> value, out BlockOption block)
    {
        block = default;
        if (value.Length > 3)
            return false;
        var raw = CoapUint.Decode(value)!.Value;
        var szx = (int)(raw & 0x7);
        if (szx == 7)
            return false;
        block = new BlockOption(raw >> 4, (raw & 0x8) != 0, szx);
        return true;
    }

    public byte[] Encode()
    {
        if (Number > MaxNumber || SizeExponent is < 0 or > 6)
            throw new InvalidOperationException($"block {Number} of size exponent {SizeExponent} cannot be encoded (RFC 7959 §2.2)");
        return CoapUint.Encode((Number << 4) | (More ? 8u : 0u) | (uint)SizeExponent);
    }

    /// <summary>The SZX of the largest block size not above <paramref name="bytes"/> (at least 16).</summary>
    public static int ExponentFor(int bytes)
    {
        var szx = 6;
        while (szx > 0 && (1 << (szx + 4)) > bytes)
            szx--;
        return szx;
    }
}
