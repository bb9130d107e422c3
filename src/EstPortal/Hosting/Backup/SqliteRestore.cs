namespace EstPortal.Hosting.Backup;

/// <summary>Why a restore did not happen; nothing in the data directory was changed.</summary>
public sealed class RestoreRefusedException(string message) : Exception(message);

/// <param name="ReplacedDatabase">Where the database that was there before now lies, or null when there was none.</param>
public sealed record RestoreOutcome(BackupContents Contents, string? ReplacedDatabase);

/// <summary>
/// Puts a backup in place of the data directory's database (ADR 0019). Every check runs before anything moves: no
/// server holds the directory, the file is an intact EstPortal database of this version or older, and this
/// installation's key-encryption key can read its key ring (else its CA keys would be lost to it). The database it
/// replaces is moved aside with its WAL, never deleted.
/// </summary>
public sealed class SqliteRestore(TimeProvider time)
{
    public async Task<RestoreOutcome> RestoreAsync(
        string backupPath, string dataDirectory, string databasePath, KeyEncryptionKeyLocation kek,
        IReadOnlyCollection<string> knownMigrations, CancellationToken cancellationToken)
    {
        using var held = DataDirectoryLock.TryHoldExclusive(dataDirectory)
            ?? throw new RestoreRefusedException(
                $"a server is running on the data directory {dataDirectory} (it holds {DataDirectoryLock.FileName}); stop it first: restore replaces its database.");

        BackupContents contents;
        try
        {
            contents = await SqliteBackupFile.ReadAsync(backupPath, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new RestoreRefusedException($"{backupPath} is not a usable EstPortal backup: {e.Message}");
        }

        var newer = contents.Migrations.Except(knownMigrations, StringComparer.Ordinal).ToList();
        if (newer.Count > 0)
            throw new RestoreRefusedException(
                $"{backupPath} was made by a newer EstPortal (schema {string.Join(", ", newer)}); restore it with that version or later.");
        if (!KeyRingCompatibility.CanRead(contents.KeyRing, kek.Certificate))
            throw new RestoreRefusedException(
                $"the key-encryption key {kek.Path} cannot decrypt the backup's key ring, so its CA keys would be unusable here. " +
                "Put the key-encryption key of the installation the backup came from at that path (or set EstPortal:KeyEncryptionKeyPath), then restore again.");

        var incoming = $"{databasePath}.{Guid.NewGuid():N}.restoring";
        File.Copy(backupPath, incoming);
        string? replaced = null;
        try
        {
            if (File.Exists(databasePath))
            {
                replaced = $"{databasePath}.before-restore-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}";
                // The WAL may hold commits the main file lacks: the three files move together.
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    if (File.Exists(databasePath + suffix))
                        File.Move(databasePath + suffix, replaced + suffix);
                }
            }
            File.Move(incoming, databasePath);
        }
        finally
        {
            File.Delete(incoming);
        }
        return new RestoreOutcome(contents, replaced);
    }
}
