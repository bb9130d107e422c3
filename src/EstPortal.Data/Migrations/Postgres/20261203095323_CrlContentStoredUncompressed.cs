using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
{
    /// <summary>
    /// CRLs are served a slice at a time (ADR 0030). A compressed bytea must be decompressed from its start for every
    /// slice; stored uncompressed out of line (EXTERNAL), a slice reads only the TOAST chunks it covers. Applies to
    /// CRLs stored from now on; older ones are replaced by the next publication.
    /// </summary>
    public partial class CrlContentStoredUncompressed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE \"CertificateRevocationLists\" ALTER COLUMN \"Der\" SET STORAGE EXTERNAL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE \"CertificateRevocationLists\" ALTER COLUMN \"Der\" SET STORAGE EXTENDED;");
        }
    }
}
