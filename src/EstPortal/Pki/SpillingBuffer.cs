namespace EstPortal.Pki;

/// <summary>
/// Bytes appended in memory up to <see cref="MemoryLimit"/>, then in a temporary file: a small CRL never touches the
/// disk, a large one costs constant memory whatever its size (ADR 0030). On Linux and macOS the file's name is removed
/// as soon as it is open, so nothing is left behind even if the process is killed; elsewhere it goes when the buffer
/// is disposed.
/// </summary>
internal sealed class SpillingBuffer : IDisposable
{
    /// <summary>About 23,000 CRL entries of 45 bytes.</summary>
    public const int MemoryLimit = 1024 * 1024;

    private const int FileBufferSize = 64 * 1024;

    private Stream _store = new MemoryStream();

    public long Length => _store.Length;

    /// <summary>True once the bytes live in a temporary file.</summary>
    public bool Spilled => _store is FileStream;

    /// <summary>The temporary file, once there is one.</summary>
    public string? SpillPath => (_store as FileStream)?.Name;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_store is MemoryStream memory && memory.Length + bytes.Length > MemoryLimit)
        {
            var path = Path.Combine(Path.GetTempPath(), $"estportal-crl-{Guid.NewGuid():N}.tmp");
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileBufferSize,
                FileOptions.DeleteOnClose | FileOptions.SequentialScan);
            if (!OperatingSystem.IsWindows())
                File.Delete(path); // the open descriptor keeps the data until it is closed
            memory.WriteTo(file);
            _store = file;
        }
        _store.Write(bytes);
    }

    /// <summary>Copies bytes <paramref name="offset"/>… into <paramref name="destination"/>; returns how many (0 at the end).</summary>
    public int Read(long offset, Span<byte> destination)
    {
        if (offset >= _store.Length)
            return 0;
        _store.Flush();
        _store.Position = offset;
        var count = _store.Read(destination[..(int)Math.Min(destination.Length, _store.Length - offset)]);
        _store.Position = _store.Length;
        return count;
    }

    public void Dispose() => _store.Dispose();
}
