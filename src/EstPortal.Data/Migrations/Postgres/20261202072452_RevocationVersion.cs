using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
{
    /// <summary>
    /// The PostgreSQL side of the SQLite migration of the same name (ADR 0015): a one-row counter that every committed
    /// change of a certificate's revocation advances — a statement trigger on an UPDATE of "RevokedAt" and on a DELETE of
    /// IssuedCertificates, never on the INSERT of an issuance — so every instance's OCSP responder keeps signed answers
    /// exactly until a revocation commits anywhere. Out of the EF model, like ConfigurationChangeNotifications.
    /// </summary>
    public partial class RevocationVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "RevocationVersion" (
                    "Id" integer NOT NULL PRIMARY KEY CHECK ("Id" = 1),
                    "Value" bigint NOT NULL
                );
                INSERT INTO "RevocationVersion" ("Id", "Value") VALUES (1, 0);
                CREATE FUNCTION estportal_advance_revocation_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "RevocationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                    RETURN NULL;
                END;
                $$;
                CREATE TRIGGER "IssuedCertificates_revocation_version"
                    AFTER UPDATE OF "RevokedAt" OR DELETE ON "IssuedCertificates"
                    FOR EACH STATEMENT EXECUTE FUNCTION estportal_advance_revocation_version();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "IssuedCertificates_revocation_version" ON "IssuedCertificates";
                DROP FUNCTION estportal_advance_revocation_version();
                DROP TABLE "RevocationVersion";
                """);
        }
    }
}
