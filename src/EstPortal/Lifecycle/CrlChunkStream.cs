namespace EstPortal.Lifecycle;

/// <summary>
/// A read-only, forward-only stream of <see cref="Length"/> octets fetched a piece at a time by
/// <paramref name="readChunkAsync"/> (offset, count): only the current piece is in memory (ADR 0030).
/// </summary>
internal sealed class CrlChunkStream(long length, Func<long, int, CancellationToken, Task<byte[]>> readChunkAsync) : Stream
{
    private byte[] _chunk = [];
    private int _chunkOffset;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= length)
            return 0;
        if (_chunkOffset == _chunk.Length)
        {
            var count = (int)Math.Min(CrlContents.ChunkSize, length - _position);
            _chunk = await readChunkAsync(_position, count, cancellationToken);
            _chunkOffset = 0;
            // A shorter piece than asked means the stored CRL is not the length its row said: never pad or loop.
            if (_chunk.Length != count)
                throw new IOException($"read {_chunk.Length} of {count} octets at {_position} of a {length}-octet CRL");
        }
        var take = Math.Min(buffer.Length, _chunk.Length - _chunkOffset);
        _chunk.AsMemory(_chunkOffset, take).CopyTo(buffer);
        _chunkOffset += take;
        _position += take;
        return take;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
