using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
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
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSerialNumber",
                table: "IssuedCertificates",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSha256",
                table: "IssuedCertificates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkIssuer",
                table: "Devices",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSerialNumber",
                table: "Devices",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSha256",
                table: "Devices",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AttestedKeySha256",
                table: "BootstrapTokens",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkIssuer",
                table: "BootstrapTokens",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSerialNumber",
                table: "BootstrapTokens",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TpmEkSha256",
                table: "BootstrapTokens",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TpmEkIssuer",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "TpmEkSerialNumber",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "TpmEkSha256",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "TpmEkIssuer",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "TpmEkSerialNumber",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "TpmEkSha256",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "AttestedKeySha256",
                table: "BootstrapTokens");

            migrationBuilder.DropColumn(
                name: "TpmEkIssuer",
                table: "BootstrapTokens");

            migrationBuilder.DropColumn(
                name: "TpmEkSerialNumber",
                table: "BootstrapTokens");

            migrationBuilder.DropColumn(
                name: "TpmEkSha256",
                table: "BootstrapTokens");
        }
    }
}
