using EstPortal.Hosting;

namespace EstPortal.Lifecycle;

/// <summary>
/// A value that changes whenever a certificate's revocation changes, so <see cref="OcspAnswerCache"/> can keep signed
/// answers until then. On SQLite it is the one row of the RevocationVersion table, which a trigger on
/// <c>UPDATE OF "RevokedAt"</c> of IssuedCertificates advances (migration RevocationVersion): every revocation counts,
/// whoever commits it (the portal, the admin command in another process, hand-written SQL), and issuing does not, so
/// enrollments neither pay for a trigger nor drop the cache. On PostgreSQL the same table and a statement trigger
/// (migration RevocationVersion there too), read with one small query per call, so a revocation committed by any
/// instance is seen by every other on its next request (ADR 0015).
/// </summary>
public sealed class RevocationVersion : IDisposable
{
    private readonly SqliteVersionRow? _sqlite;
    private readonly PostgresVersionRow? _postgres;

    public RevocationVersion(DatabaseConnection database)
    {
        _sqlite = SqliteVersionRow.For(database, "RevocationVersion");
        _postgres = PostgresVersionRow.For(database, "RevocationVersion");
    }

    /// <summary>Read it <em>before</em> reading the status it is to guard; null when there is nothing to trust.</summary>
    public long? Current() => _sqlite is not null ? _sqlite.Read() : _postgres?.Read();

    public void Dispose()
    {
        _sqlite?.Dispose();
        _postgres?.Dispose();
    }
}
