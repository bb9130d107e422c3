namespace EstPortal.Hosting.Backup;

/// <summary>
/// An advisory lock on <c>estportal.lock</c> in the data directory. A running server holds it shared for its whole
/// life (several servers may share one directory); <c>backup restore</c> needs it exclusively, so it cannot swap the
/// database under a server that has it open. Admin commands take no lock: they are meant to run beside the server.
/// On Unix .NET maps <see cref="FileShare.None"/> to flock(LOCK_EX) and read access with sharing to flock(LOCK_SH).
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "estportal.lock";

    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    /// <summary>What a server holds while it runs.</summary>
    public static DataDirectoryLock HoldShared(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new DataDirectoryLock(new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite));
    }

    /// <summary>The lock a restore needs; null while any server holds the directory.</summary>
    public static DataDirectoryLock? TryHoldExclusive(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        try
        {
            return new DataDirectoryLock(new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
