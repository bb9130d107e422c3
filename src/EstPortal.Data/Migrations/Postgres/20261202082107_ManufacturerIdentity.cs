using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
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
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "IdevidFirstSeenAt",
                table: "Devices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdevidIssuer",
                table: "Devices",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdevidSerialNumber",
                table: "Devices",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdevidSha256",
                table: "Devices",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TrustAnchors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CertificateDer = table.Column<byte[]>(type: "bytea", nullable: false),
                    Subject = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Sha256Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.DropColumn(
                name: "Idevid",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "IdevidFirstSeenAt",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "IdevidIssuer",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "IdevidSerialNumber",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "IdevidSha256",
                table: "Devices");
        }
    }
}
