using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeviceSearchAndSubjectOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_Subject",
                table: "IssuedCertificates");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Subject_SerialNumber",
                table: "IssuedCertificates",
                columns: new[] { "Subject", "SerialNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Description_Trigram",
                table: "Devices",
                column: "Description")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Name_Trigram",
                table: "Devices",
                column: "Name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_Subject_SerialNumber",
                table: "IssuedCertificates");

            migrationBuilder.DropIndex(
                name: "IX_Devices_Description_Trigram",
                table: "Devices");

            migrationBuilder.DropIndex(
                name: "IX_Devices_Name_Trigram",
                table: "Devices");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Subject",
                table: "IssuedCertificates",
                column: "Subject");
        }
    }
}
