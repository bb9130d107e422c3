using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TpmAttestation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TpmEkIssuer",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSerialNumber",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSha256",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkIssuer",
                table: "Devices",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSerialNumber",
                table: "Devices",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSha256",
                table: "Devices",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AttestedKeySha256",
                table: "BootstrapTokens",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkIssuer",
                table: "BootstrapTokens",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSerialNumber",
                table: "BootstrapTokens",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSha256",
                table: "BootstrapTokens",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite's own DROP COLUMN (3.35+), not EF's table rebuild: a rebuild would drop the version triggers on
            // Devices (ConfigurationVersion, CredentialVersion) and IssuedCertificates (RevocationVersion).
            foreach (var table in new[] { "Devices", "IssuedCertificates", "BootstrapTokens" })
            {
                foreach (var column in new[] { "TpmEkIssuer", "TpmEkSerialNumber", "TpmEkSha256" })
                    migrationBuilder.Sql($"ALTER TABLE \"{table}\" DROP COLUMN \"{column}\";");
            }
            migrationBuilder.Sql("ALTER TABLE \"BootstrapTokens\" DROP COLUMN \"AttestedKeySha256\";");
        }
    }
}
