using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// A one-row counter that every committed change to devices or their credentials advances (triggers, so the portal,
    /// the admin command, another process and hand-written SQL all count), and nothing else does. EST keeps a device's
    /// active credential hashes in memory until it changes, so a disabled device or credential is still refused on the
    /// very next request while the credential query no longer runs on every enrollment. The same pattern as
    /// ConfigurationVersion, and like it out of the EF model; a later migration that rebuilds Devices or DeviceCredentials
    /// drops that table's triggers and must create them again.
    /// </summary>
    public partial class CredentialVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "CredentialVersion" (
                    "Id" INTEGER NOT NULL PRIMARY KEY CHECK ("Id" = 1),
                    "Value" INTEGER NOT NULL
                );
                INSERT INTO "CredentialVersion" ("Id", "Value") VALUES (1, 0);
                CREATE TRIGGER "Devices_credential_version_insert" AFTER INSERT ON "Devices"
                BEGIN
                    UPDATE "CredentialVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "Devices_credential_version_update" AFTER UPDATE ON "Devices"
                BEGIN
                    UPDATE "CredentialVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "Devices_credential_version_delete" AFTER DELETE ON "Devices"
                BEGIN
                    UPDATE "CredentialVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "DeviceCredentials_credential_version_insert" AFTER INSERT ON "DeviceCredentials"
                BEGIN
                    UPDATE "CredentialVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "DeviceCredentials_credential_version_update" AFTER UPDATE ON "DeviceCredentials"
                BEGIN
                    UPDATE "CredentialVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "DeviceCredentials_credential_version_delete" AFTER DELETE ON "DeviceCredentials"
                BEGIN
                    UPDATE "CredentialVersion" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "Devices_credential_version_insert";
                DROP TRIGGER "Devices_credential_version_update";
                DROP TRIGGER "Devices_credential_version_delete";
                DROP TRIGGER "DeviceCredentials_credential_version_insert";
                DROP TRIGGER "DeviceCredentials_credential_version_update";
                DROP TRIGGER "DeviceCredentials_credential_version_delete";
                DROP TABLE "CredentialVersion";
                """);
        }
    }
}
