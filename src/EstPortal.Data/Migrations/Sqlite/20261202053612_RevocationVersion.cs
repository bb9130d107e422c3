using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// A one-row counter that every committed change of a certificate's revocation advances (a trigger, so the portal,
    /// the admin command in another process and hand-written SQL all count), and nothing else does: the triggers fire on
    /// an UPDATE that sets "RevokedAt" and on a DELETE (a certificate no longer on record must not stay "good"), never on
    /// the INSERT of an issuance. The OCSP responder keeps signed answers until it changes, so a revocation is answered
    /// "revoked" on the very next request. The same pattern as
    /// ConfigurationVersion and CredentialVersion, and like them out of the EF model; a later migration that rebuilds
    /// IssuedCertificates drops the trigger and must create it again.
    /// </summary>
    public partial class RevocationVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "RevocationVersion" (
                    "Id" INTEGER NOT NULL PRIMARY KEY CHECK ("Id" = 1),
                    "Value" INTEGER NOT NULL
                );
                INSERT INTO "RevocationVersion" ("Id", "Value") VALUES (1, 0);
                CREATE TRIGGER "IssuedCertificates_revocation_version_update" AFTER UPDATE OF "RevokedAt" ON "IssuedCertificates"
                BEGIN
                    UPDATE "RevocationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "IssuedCertificates_revocation_version_delete" AFTER DELETE ON "IssuedCertificates"
                BEGIN
                    UPDATE "RevocationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "IssuedCertificates_revocation_version_update";
                DROP TRIGGER "IssuedCertificates_revocation_version_delete";
                DROP TABLE "RevocationVersion";
                """);
        }
    }
}
