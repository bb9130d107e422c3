using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Data;

/// <summary>
/// Several instances on one PostgreSQL database. Migrations under Migrations/Postgres; DateTimeOffset maps to
/// <c>timestamptz</c> (always written with offset zero: every time in the app comes from TimeProvider in UTC).
/// </summary>
public sealed class PostgresEstPortalDbContext(DbContextOptions<PostgresEstPortalDbContext> options) : EstPortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // The certificate list searches by serial and subject prefix with a range (value >= p AND value < p + U+FFFF)
        // so that the index is used. That needs byte order; a linguistic collation such as en_US ignores '=' and ','
        // at its first level and would make the range miss rows.
        builder.Entity<IssuedCertificate>(c =>
        {
            c.Property(x => x.SerialNumber).UseCollation("C");
            c.Property(x => x.Subject).UseCollation("C");
        });

        // The device search is a case-insensitive substring of the name or the description (ILIKE '%…%'): trigram
        // GIN indexes (pg_trgm, a trusted extension a database owner may create) answer it without reading every
        // device; SQLite has its FTS5 trigram table instead (ADR 0026).
        builder.HasPostgresExtension("pg_trgm");
        builder.Entity<Device>(d =>
        {
            d.HasIndex([nameof(Device.Name)], "IX_Devices_Name_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
            d.HasIndex([nameof(Device.Description)], "IX_Devices_Description_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
        });
    }
}
