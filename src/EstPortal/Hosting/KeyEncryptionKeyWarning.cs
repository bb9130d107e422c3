namespace EstPortal.Hosting;

/// <param name="Certificate">The key-encryption key's certificate (public part), as it appears in the key ring's XML.</param>
public sealed record KeyEncryptionKeyLocation(string Path, bool InsideDataDirectory, byte[] Certificate);

/// <summary>
/// A key-encryption key next to the database it protects only guards against a stolen database file, not a stolen
/// data directory. Say so at every start until the operator moves it.
/// </summary>
internal sealed class KeyEncryptionKeyWarning(KeyEncryptionKeyLocation location, ILogger<KeyEncryptionKeyWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (location.InsideDataDirectory)
        {
            logger.LogWarning(
                "The key-encryption key {Path} is inside the data directory. Move it to a separate secret mount and set " +
                "EstPortal:KeyEncryptionKeyPath (or EstPortal__KeyEncryptionKeyPath) to its new path.", location.Path);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
