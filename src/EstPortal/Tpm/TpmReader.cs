using System.Buffers.Binary;

namespace EstPortal.Tpm;

/// <summary>Big-endian reads of TPM-marshalled structures (TPM 2.0 Part 2 §5), each bounded so hostile input fails cleanly.</summary>
internal ref struct TpmReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _data = data;

    public readonly int Remaining => _data.Length;

    public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary>A TPM2B: a 16-bit size, then that many bytes (at most <paramref name="maxSize"/>).</summary>
    public ReadOnlySpan<byte> Sized(int maxSize)
    {
        var size = UInt16();
        if (size > maxSize)
            throw new TpmFormatException($"a TPM2B field of {size} bytes is larger than the {maxSize} allowed there");
        return Take(size);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length < count)
            throw new TpmFormatException("the TPM structure ends early");
        var taken = _data[..count];
        _data = _data[count..];
        return taken;
    }
}
