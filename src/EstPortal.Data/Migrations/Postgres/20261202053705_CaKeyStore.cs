using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
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
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyStore",
                table: "CertificateAuthorities",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "software");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "KeyReference",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "KeyStore",
                table: "CertificateAuthorities");
        }
    }
}
