using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaKeyStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeyReference",
                table: "CertificateAuthorities",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyStore",
                table: "CertificateAuthorities",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "software");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite's own DROP COLUMN (3.35+) instead of EF's table rebuild, which would drop the ConfigurationVersion
            // triggers on CertificateAuthorities.
            migrationBuilder.Sql("ALTER TABLE \"CertificateAuthorities\" DROP COLUMN \"KeyReference\";");
            migrationBuilder.Sql("ALTER TABLE \"CertificateAuthorities\" DROP COLUMN \"KeyStore\";");
        }
    }
}
