namespace EstPortal.Pki;

/// <summary>
/// Bytes appended in fixed-size chunks, so that growing never copies what was already written (a doubling array would
/// hold the old and the new copy at once) and no chunk reaches the large object heap.
/// </summary>
internal sealed class ChunkedByteBuffer
{
    private const int ChunkSize = 64 * 1024;

    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkSize;

    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == ChunkSize)
            {
                _chunks.Add(new byte[ChunkSize]);
                _used = 0;
            }
            var take = Math.Min(bytes.Length, ChunkSize - _used);
            bytes[..take].CopyTo(_chunks[^1].AsSpan(_used));
            _used += take;
            Length += take;
            bytes = bytes[take..];
        }
    }

    /// <summary>Copies everything written to <paramref name="destination"/>, which must hold <see cref="Length"/> bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        var remaining = Length;
        foreach (var chunk in _chunks)
        {
            var take = (int)Math.Min(remaining, ChunkSize);
            chunk.AsSpan(0, take).CopyTo(destination);
            destination = destination[take..];
            remaining -= take;
        }
    }
}
