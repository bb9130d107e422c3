using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LifecycleAndAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_CertificateAuthorityId",
                table: "IssuedCertificates");

            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "ChainDer",
                table: "CertificateAuthorities",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Imported",
                table: "CertificateAuthorities",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "ParentId",
                table: "CertificateAuthorities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ProfileId",
                table: "BootstrapTokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectPattern",
                table: "BootstrapTokens",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CsrSha256",
                table: "AuditEvents",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "AuditEvents",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "AuditEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "AuditChainHeads",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProtectedKey = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainHeads", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CertificateRevocationLists",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CertificateAuthorityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CrlNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    ThisUpdate = table.Column<long>(type: "INTEGER", nullable: false),
                    NextUpdate = table.Column<long>(type: "INTEGER", nullable: false),
                    Der = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CertificateRevocationLists", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CertificateRevocationLists_CertificateAuthorities_CertificateAuthorityId",
                        column: x => x.CertificateAuthorityId,
                        principalTable: "CertificateAuthorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Events written before the chain existed keep their order: their sequence is their id. The app chains
            // (hashes) them on its next start, before it appends anything new.
            migrationBuilder.Sql("UPDATE \"AuditEvents\" SET \"Sequence\" = \"Id\";");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_CertificateAuthorityId_RevokedAt",
                table: "IssuedCertificates",
                columns: new[] { "CertificateAuthorityId", "RevokedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_IssuedAt",
                table: "IssuedCertificates",
                column: "IssuedAt");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_NotAfter",
                table: "IssuedCertificates",
                column: "NotAfter");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_Subject",
                table: "IssuedCertificates",
                column: "Subject");

            migrationBuilder.CreateIndex(
                name: "IX_Devices_CreatedAt",
                table: "Devices",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_BootstrapTokens_CreatedAt",
                table: "BootstrapTokens",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_BootstrapTokens_ProfileId",
                table: "BootstrapTokens",
                column: "ProfileId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Actor",
                table: "AuditEvents",
                column: "Actor");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_EventType_Timestamp",
                table: "AuditEvents",
                columns: new[] { "EventType", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Sequence",
                table: "AuditEvents",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CertificateRevocationLists_CertificateAuthorityId_CrlNumber",
                table: "CertificateRevocationLists",
                columns: new[] { "CertificateAuthorityId", "CrlNumber" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_BootstrapTokens_EnrollmentProfiles_ProfileId",
                table: "BootstrapTokens",
                column: "ProfileId",
                principalTable: "EnrollmentProfiles",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_BootstrapTokens_EnrollmentProfiles_ProfileId",
                table: "BootstrapTokens");

            migrationBuilder.DropTable(
                name: "AuditChainHeads");

            migrationBuilder.DropTable(
                name: "CertificateRevocationLists");

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_CertificateAuthorityId_RevokedAt",
                table: "IssuedCertificates");

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_IssuedAt",
                table: "IssuedCertificates");

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_NotAfter",
                table: "IssuedCertificates");

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_Subject",
                table: "IssuedCertificates");

            migrationBuilder.DropIndex(
                name: "IX_Devices_CreatedAt",
                table: "Devices");

            migrationBuilder.DropIndex(
                name: "IX_BootstrapTokens_CreatedAt",
                table: "BootstrapTokens");

            migrationBuilder.DropIndex(
                name: "IX_BootstrapTokens_ProfileId",
                table: "BootstrapTokens");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_Actor",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_EventType_Timestamp",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_Sequence",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "RevokedBy",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "ChainDer",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "Imported",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "ParentId",
                table: "CertificateAuthorities");

            migrationBuilder.DropColumn(
                name: "ProfileId",
                table: "BootstrapTokens");

            migrationBuilder.DropColumn(
                name: "SubjectPattern",
                table: "BootstrapTokens");

            migrationBuilder.DropColumn(
                name: "CsrSha256",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "AuditEvents");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_CertificateAuthorityId",
                table: "IssuedCertificates",
                column: "CertificateAuthorityId");
        }
    }
}
