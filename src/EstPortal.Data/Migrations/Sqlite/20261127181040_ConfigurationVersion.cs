using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// A one-row counter that every committed change to profiles or CAs advances (triggers, so the admin command, another
    /// process and hand-written SQL count too), and nothing else does. EST keeps the profile a label selects in memory
    /// until it changes; <c>PRAGMA data_version</c>, used before, changed on every commit — every enrollment commits — so
    /// the profile was read again on nearly every request. SQLite's counterpart of the PostgreSQL NOTIFY trigger
    /// (ConfigurationChangeNotifications); like that one, it stays out of the EF model.
    /// A later migration that rebuilds EnrollmentProfiles or CertificateAuthorities (SQLite's way of altering a column:
    /// create, copy, drop, rename) drops that table's triggers with it and must create them again.
    /// </summary>
    public partial class ConfigurationVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "ConfigurationVersion" (
                    "Id" INTEGER NOT NULL PRIMARY KEY CHECK ("Id" = 1),
                    "Value" INTEGER NOT NULL
                );
                INSERT INTO "ConfigurationVersion" ("Id", "Value") VALUES (1, 0);
                CREATE TRIGGER "EnrollmentProfiles_configuration_version_insert" AFTER INSERT ON "EnrollmentProfiles"
                BEGIN
                    UPDATE "ConfigurationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "EnrollmentProfiles_configuration_version_update" AFTER UPDATE ON "EnrollmentProfiles"
                BEGIN
                    UPDATE "ConfigurationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "EnrollmentProfiles_configuration_version_delete" AFTER DELETE ON "EnrollmentProfiles"
                BEGIN
                    UPDATE "ConfigurationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "CertificateAuthorities_configuration_version_insert" AFTER INSERT ON "CertificateAuthorities"
                BEGIN
                    UPDATE "ConfigurationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "CertificateAuthorities_configuration_version_update" AFTER UPDATE ON "CertificateAuthorities"
                BEGIN
                    UPDATE "ConfigurationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "CertificateAuthorities_configuration_version_delete" AFTER DELETE ON "CertificateAuthorities"
                BEGIN
                    UPDATE "ConfigurationVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "EnrollmentProfiles_configuration_version_insert";
                DROP TRIGGER "EnrollmentProfiles_configuration_version_update";
                DROP TRIGGER "EnrollmentProfiles_configuration_version_delete";
                DROP TRIGGER "CertificateAuthorities_configuration_version_insert";
                DROP TRIGGER "CertificateAuthorities_configuration_version_update";
                DROP TRIGGER "CertificateAuthorities_configuration_version_delete";
                DROP TABLE "ConfigurationVersion";
                """);
        }
    }
}
