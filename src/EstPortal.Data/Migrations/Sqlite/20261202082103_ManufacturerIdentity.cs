using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ManufacturerIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Idevid",
                table: "Devices",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "IdevidFirstSeenAt",
                table: "Devices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdevidIssuer",
                table: "Devices",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdevidSerialNumber",
                table: "Devices",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdevidSha256",
                table: "Devices",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TrustAnchors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CertificateDer = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Sha256Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NotAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrustAnchors", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Idevid",
                table: "Devices",
                column: "Idevid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrustAnchors_Name",
                table: "TrustAnchors",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TrustAnchors");

            migrationBuilder.DropIndex(
                name: "IX_Devices_Idevid",
                table: "Devices");

            // SQLite's own DROP COLUMN (3.35+), not EF's table rebuild: a rebuild of Devices would drop the
            // CredentialVersion triggers on it.
            foreach (var column in new[] { "Idevid", "IdevidFirstSeenAt", "IdevidIssuer", "IdevidSerialNumber", "IdevidSha256" })
                migrationBuilder.Sql($"ALTER TABLE \"Devices\" DROP COLUMN \"{column}\";");
        }
    }
}
