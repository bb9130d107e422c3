using System.Net;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Enrollment;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// Each provider's migrations build exactly the model the app uses, PostgreSQL is migrated by the operator, and a SQLite
/// database an older version left is brought up to date at start-up.
/// </summary>
public sealed class MigrationTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task FreshDatabase_MigratesToTheModel_NothingPending(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // A model change without a migration for this provider fails here, not on an operator's upgrade.
        Assert.False(db.Database.HasPendingModelChanges(), $"the {provider} migrations lag the model: add a migration under Migrations/{provider}");
        Assert.Equal(provider == DatabaseProvider.Postgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", db.Database.ProviderName);
    }

    [Fact]
    public async Task Sqlite_DatabaseOfTheVersionBefore_GetsTheConfigurationVersionOnStart_AndKeepsItsData()
    {
        string dataDirectory;
        NewDevice device;
        using (var before = EstPortalHost.Create())
        {
            await before.InitializeAsync();
            before.KeepDataDirectory = true;
            dataDirectory = before.DataDirectory;
            device = await before.AddDeviceAsync("upgraded-device");
            await before.AddProfileAsync("upgraded", "upgraded");
            // Back to the schema the previous version left: ConfigurationVersion's Down.
            await using var db = await before.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
            var migrations = db.Database.GetMigrations().ToList();
            var previous = migrations[migrations.FindIndex(m => m.EndsWith("_ConfigurationVersion", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(previous);
            Assert.Equal(0, await ConfigurationVersionObjectsAsync(before.DatabasePath));
        }

        using var after = EstPortalHost.Create(dataDirectory);
        await after.InitializeAsync();

        Assert.Equal(7, await ConfigurationVersionObjectsAsync(after.DatabasePath));
        var version = after.Services.GetRequiredService<ConfigurationVersion>();
        var first = version.Current();
        Assert.NotNull(first);
        var profiles = after.Services.GetRequiredService<ProfileAdmin>();
        var upgraded = (await profiles.FindAsync("upgraded"))!;
        Assert.True((await profiles.UpdateAsync("upgraded", upgraded.Policy, requiresApproval: true, upgraded.WrapBase64Lines, "test")).Succeeded);
        Assert.NotEqual(first, version.Current());
        using var client = after.CreateEstClient();
        using var enrolled = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=upgraded-device").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
    }

    [RequiresPostgresFact]
    public async Task Postgres_RefusesToRunOnAnUnmigratedDatabase_UntilTheMigrateCommandRuns()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "estportal-migrate-" + Guid.NewGuid().ToString("N")[..12]);
        string[] settings = ["--Database:Provider=Postgres", $"--ConnectionStrings:EstPortal={database.ConnectionString}"];
        try
        {
            var before = await EstPortalCli.RunAsync(dataDirectory, ["ca", "list", .. settings]);
            Assert.Equal(4, before.ExitCode); // the installation cannot serve commands (docs/cli-output.md)
            Assert.Contains("schema is behind", before.Stderr);
            Assert.Contains("migrate", before.Stderr);

            var migrate = await EstPortalCli.RunAsync(dataDirectory, ["migrate", .. settings]);
            Assert.True(migrate.ExitCode == 0, migrate.ToString());
            Assert.Matches(@"Postgres database migrated: \d{14}_Initial", migrate.LastLine);

            var again = await EstPortalCli.RunAsync(dataDirectory, ["migrate", .. settings]);
            Assert.Equal(0, again.ExitCode);
            Assert.Equal("Postgres database is up to date.", again.LastLine);

            var after = await EstPortalCli.RunAsync(dataDirectory, ["ca", "list", .. settings]);
            Assert.True(after.ExitCode == 0, after.ToString());
            Assert.Contains("CN=EstPortal Root CA", after.Stdout);
            Assert.DoesNotContain(database.ConnectionString.Split(';').Single(p => p.StartsWith("Password=", StringComparison.Ordinal)), after.Stdout + after.Stderr);

            // A second instance set up without the shared key-encryption key is stopped before it can add a key the
            // others cannot read to the shared Data Protection key ring.
            var keysBefore = await CountKeyRingAsync(database);
            var stranger = await EstPortalCli.RunAsync(dataDirectory,
                ["ca", "list", .. settings, $"--EstPortal:KeyEncryptionKeyPath={Path.Combine(dataDirectory, "other-kek.pfx")}"]);
            Assert.Equal(4, stranger.ExitCode); // the installation cannot serve commands (docs/cli-output.md)
            Assert.Contains("cannot decrypt any of the", stranger.Stderr);
            Assert.Contains("same key-encryption key file", stranger.Stderr);
            Assert.Equal(keysBefore, await CountKeyRingAsync(database));
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
                Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>The ConfigurationVersion table and its six triggers, as far as they exist.</summary>
    private static async Task<long> ConfigurationVersionObjectsAsync(string databasePath)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = """
            SELECT COUNT(*) FROM sqlite_master
            WHERE (type = 'table' AND name = 'ConfigurationVersion') OR (type = 'trigger' AND name LIKE '%_configuration_version_%')
            """;
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountKeyRingAsync(PostgresTestDatabase database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM \"DataProtectionKeys\"";
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
