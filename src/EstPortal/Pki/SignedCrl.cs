namespace EstPortal.Pki;

/// <summary>
/// A signed CRL as <see cref="CrlWriter.Finish"/> leaves it: the DER-encoded CertificateList (RFC 5280 §5.1) in three
/// parts — the headers before the revoked entries, the entries (in memory or a temporary file), the rest after them —
/// read back as one stream, so a CRL of any size goes to the database without being held whole (ADR 0030). Valid until
/// its writer is disposed.
/// </summary>
public sealed class SignedCrl
{
    private readonly byte[] _head;
    private readonly SpillingBuffer _entries;
    private readonly byte[] _tail;

    internal SignedCrl(byte[] head, SpillingBuffer entries, byte[] tail)
    {
        _head = head;
        _entries = entries;
        _tail = tail;
        Length = head.Length + entries.Length + tail.Length;
    }

    /// <summary>The CRL's length in octets.</summary>
    public long Length { get; }

    /// <summary>A read-only, seekable stream over the whole CRL.</summary>
    public Stream OpenRead() => new Reader(this);

    /// <summary>The whole CRL in one array, for callers that hold it anyway (small CRLs, tests).</summary>
    public byte[] ToArray()
    {
        var crl = new byte[checked((int)Length)];
        using var reader = OpenRead();
        reader.ReadExactly(crl);
        return crl;
    }

    private int Read(long position, Span<byte> destination)
    {
        if (position < _head.Length)
        {
            var count = Math.Min(destination.Length, _head.Length - (int)position);
            _head.AsSpan((int)position, count).CopyTo(destination);
            return count;
        }
        position -= _head.Length;
        if (position < _entries.Length)
            return _entries.Read(position, destination);
        position -= _entries.Length;
        if (position < _tail.Length)
        {
            var count = Math.Min(destination.Length, _tail.Length - (int)position);
            _tail.AsSpan((int)position, count).CopyTo(destination);
            return count;
        }
        return 0;
    }

    private sealed class Reader(SignedCrl crl) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => crl.Length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = crl.Read(Position, buffer);
            Position += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
