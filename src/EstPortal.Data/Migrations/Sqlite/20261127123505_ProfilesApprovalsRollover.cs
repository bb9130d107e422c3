using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProfilesApprovalsRollover : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ProfileId",
                table: "IssuedCertificates",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "NewWithOldDer",
                table: "CertificateAuthorities",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "OldWithNewDer",
                table: "CertificateAuthorities",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PreviousCaId",
                table: "CertificateAuthorities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RetiredAt",
                table: "CertificateAuthorities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EnrollmentProfiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    CertificateAuthorityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PolicyJson = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false),
                    RequiresApproval = table.Column<bool>(type: "INTEGER", nullable: false),
                    WrapBase64Lines = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnrollmentProfiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EnrollmentProfiles_CertificateAuthorities_CertificateAuthorityId",
                        column: x => x.CertificateAuthorityId,
                        principalTable: "CertificateAuthorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PendingEnrollments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProfileId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RequesterKey = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DeviceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TokenId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReplacesCertificateId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CsrDer = table.Column<byte[]>(type: "BLOB", nullable: false),
                    PublicKeySha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecisionReason = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    IssuedSerial = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingEnrollments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PendingEnrollments_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PendingEnrollments_EnrollmentProfiles_ProfileId",
                        column: x => x.ProfileId,
                        principalTable: "EnrollmentProfiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentProfiles_CertificateAuthorityId",
                table: "EnrollmentProfiles",
                column: "CertificateAuthorityId");

            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentProfiles_Label",
                table: "EnrollmentProfiles",
                column: "Label",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentProfiles_Name",
                table: "EnrollmentProfiles",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PendingEnrollments_DeviceId",
                table: "PendingEnrollments",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_PendingEnrollments_ProfileId_RequesterKey_PublicKeySha256",
                table: "PendingEnrollments",
                columns: new[] { "ProfileId", "RequesterKey", "PublicKeySha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PendingEnrollments_Status",
                table: "PendingEnrollments",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PendingEnrollments");

            migrationBuilder.DropTable(
                name: "EnrollmentProfiles");

            migrationBuilder.DropColumn(
                name: "ProfileId",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "NewWithOldDer",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "OldWithNewDer",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "PreviousCaId",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "RetiredAt",
                table: "CertificateAuthorities");
        }
    }
}
