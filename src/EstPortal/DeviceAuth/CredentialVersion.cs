using EstPortal.Hosting;

namespace EstPortal.DeviceAuth;

/// <summary>
/// A value that changes whenever a device or a device credential is inserted, updated or deleted, so that
/// <see cref="DeviceCredentialValidator"/> can keep a device's active credential hashes until then (on SQLite: the
/// CredentialVersion table, advanced by triggers). Null on PostgreSQL, where credentials are read on every request.
/// </summary>
public sealed class CredentialVersion : IDisposable
{
    private readonly SqliteVersionRow? _sqlite;

    public CredentialVersion(DatabaseConnection database) => _sqlite = SqliteVersionRow.For(database, "CredentialVersion");

    /// <summary>Read it <em>before</em> reading the credentials it is to guard.</summary>
    public long? Current() => _sqlite?.Read();

    public void Dispose() => _sqlite?.Dispose();
}
