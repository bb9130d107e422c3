using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
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

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Subject_SerialNumber",
                table: "IssuedCertificates",
                columns: new[] { "Subject", "SerialNumber" });

            migrationBuilder.Sql(DeviceSearchIndex.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DeviceSearchIndex.Drop);

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_Subject_SerialNumber",
                table: "IssuedCertificates");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Subject",
                table: "IssuedCertificates",
                column: "Subject");
        }
    }
}
