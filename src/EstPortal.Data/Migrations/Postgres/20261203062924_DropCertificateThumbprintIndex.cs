using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
{
    /// <summary>
    /// The client-certificate check finds a certificate by its unique serial; an index on the random thumbprint only cost
    /// a random page written per issued certificate (ADR 0029).
    /// </summary>
    public partial class DropCertificateThumbprintIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_Sha256Thumbprint",
                table: "IssuedCertificates");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Sha256Thumbprint",
                table: "IssuedCertificates",
                column: "Sha256Thumbprint",
                unique: true);
        }
    }
}
