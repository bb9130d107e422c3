using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeviceSubjectAltNamePatterns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SubjectAltNamePatterns",
                table: "Devices",
                type: "TEXT",
                maxLength: 8192,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite's own DROP COLUMN (3.35+), not EF's table rebuild: a rebuild of Devices would drop the
            // CredentialVersion triggers on it.
            migrationBuilder.Sql("ALTER TABLE \"Devices\" DROP COLUMN \"SubjectAltNamePatterns\";");
        }
    }
}
