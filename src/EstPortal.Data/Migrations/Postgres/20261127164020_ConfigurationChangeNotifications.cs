using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Postgres
{
    /// <summary>
    /// Every committed change to profiles or CAs sends NOTIFY estportal_configuration (delivered at commit), so each
    /// instance can keep the EST profile in memory and drop it when another instance changes it (ADR 0008).
    /// </summary>
    public partial class ConfigurationChangeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION estportal_notify_configuration_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('estportal_configuration', TG_TABLE_NAME);
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER "EnrollmentProfiles_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "EnrollmentProfiles"
                    FOR EACH STATEMENT EXECUTE FUNCTION estportal_notify_configuration_change();
                CREATE TRIGGER "CertificateAuthorities_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CertificateAuthorities"
                    FOR EACH STATEMENT EXECUTE FUNCTION estportal_notify_configuration_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "CertificateAuthorities_notify" ON "CertificateAuthorities";
                DROP TRIGGER "EnrollmentProfiles_notify" ON "EnrollmentProfiles";
                DROP FUNCTION estportal_notify_configuration_change();
                """);
        }
    }
}
