using EstPortal.Hosting;

namespace EstPortal.Enrollment;

/// <summary>
/// A value that changes whenever profiles or CAs change, so that what EST keeps in memory (the profile a label selects)
/// can be reused until then without reading it again. On SQLite it is the one row of the ConfigurationVersion table,
/// which triggers on EnrollmentProfiles and CertificateAuthorities advance (migration ConfigurationVersion), read on a
/// connection of our own that never writes. A commit that changes a profile or CA advances it whoever makes it (this
/// process, the admin command, another instance, hand-written SQL); no other commit does. That matters because
/// enrollments commit (certificate, audit) on nearly every request: <c>PRAGMA data_version</c>, used before, changes on
/// any commit and so dropped the cache that often.
/// Reading the row costs a few microseconds, where a query through EF costs tens. On PostgreSQL the value comes from
/// <see cref="PostgresConfigurationListener"/> (LISTEN/NOTIFY on profile and CA changes). Where neither is available
/// <see cref="Current"/> returns null: callers then read from the database every time.
/// </summary>
public sealed class ConfigurationVersion : IDisposable
{
    private readonly SqliteVersionRow? _sqlite;
    private readonly PostgresConfigurationListener? _postgres;

    /// <param name="postgres">Registered only on PostgreSQL (DatabaseRegistration).</param>
    public ConfigurationVersion(DatabaseConnection database, PostgresConfigurationListener? postgres = null)
    {
        _postgres = postgres;
        _sqlite = SqliteVersionRow.For(database, "ConfigurationVersion");
    }

    /// <summary>
    /// A value that changes whenever a profile or CA is inserted, updated or deleted; null when this database offers no
    /// such value (yet). Read it <em>before</em> reading the data it is to guard: a commit in between then makes the next
    /// value differ.
    /// </summary>
    public long? Current() => _sqlite is not null ? _sqlite.Read() : _postgres?.Version;

    public void Dispose() => _sqlite?.Dispose();
}
