using System.CommandLine;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Hosting.Backup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EstPortal.Hosting.Commands;

/// <summary>`backup create FILE` and `backup restore FILE` for the embedded SQLite database (ADR 0019).</summary>
internal static class BackupCommands
{
    private const string PostgresAdvice =
        "the database is PostgreSQL: back it up with pg_dump (e.g. `pg_dump -Fc -f estportal.dump`) and restore with pg_restore; " +
        "keep the key-encryption key beside the dump (README, \"Backups\").";

    public static Command Create(AdminCli cli) =>
        new("backup", "Consistent copies of the SQLite database, and restoring one.") { CreateCommand(cli), RestoreCommand(cli) };

    private static Command CreateCommand(AdminCli cli)
    {
        var file = new Argument<string>("FILE") { Description = "Where to write the backup (a new file)." };
        var create = new Command("create", "Copy the live database with SQLite's online backup while the server keeps serving; lists what else to keep.") { file };
        create.SetAction(async (parse, ct) =>
        {
            var database = cli.App.Services.GetRequiredService<DatabaseConnection>();
            if (database.Provider != DatabaseProvider.Sqlite)
                return AdminCli.Fail(PostgresAdvice);
            var destination = Path.GetFullPath(parse.GetRequiredValue(file));
            if (File.Exists(destination))
                return AdminCli.Fail($"{destination} exists; a backup never overwrites a file. Choose a new name.");
            if (!Directory.Exists(Path.GetDirectoryName(destination)))
                return AdminCli.Fail($"the directory of {destination} does not exist.");
            var databasePath = DatabasePath(database);
            if (!File.Exists(databasePath))
                return AdminCli.Fail($"there is no database at {databasePath}: nothing to back up (wrong --EstPortal:DataDirectory?).");

            await cli.PrepareAsync(ct);
            var contents = await SqliteBackupFile.CreateAsync(databasePath, destination, ct);
            await cli.App.Services.GetRequiredService<AuditLog>().RecordAsync(
                new AuditRecord(AuditEventTypes.BackupCreated, true, "cli", Details: destination), ct);

            Console.WriteLine($"backup written: {destination} ({new FileInfo(destination).Length:N0} bytes; {contents.Certificates:N0} certificates, {contents.AuditEvents:N0} audit events, schema {contents.Migrations[^1]})");
            Console.WriteLine("Keep with it, but apart from it, what the database does not contain:");
            foreach (var line in BackupCompanions.Describe(contents, cli.App.Services.GetRequiredService<KeyEncryptionKeyLocation>(), cli.App.Configuration))
                Console.WriteLine($"  {line}");
            return 0;
        });
        return create;
    }

    private static Command RestoreCommand(AdminCli cli)
    {
        var file = new Argument<string>("FILE") { Description = "A file made by `backup create`." };
        var restore = new Command("restore", "Replace the (stopped) data directory's database with a backup; the replaced one is kept aside.") { file };
        restore.SetAction(async (parse, ct) =>
        {
            var services = cli.App.Services;
            var database = services.GetRequiredService<DatabaseConnection>();
            if (database.Provider != DatabaseProvider.Sqlite)
                return AdminCli.Fail(PostgresAdvice);
            var dataDirectory = services.GetRequiredService<IOptions<EstPortalOptions>>().Value.ResolveDataDirectory();
            IReadOnlyCollection<string> known;
            await using (var db = await services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync(ct))
                known = db.Database.GetMigrations().ToList();

            RestoreOutcome outcome;
            try
            {
                outcome = await services.GetRequiredService<SqliteRestore>().RestoreAsync(
                    Path.GetFullPath(parse.GetRequiredValue(file)), dataDirectory, DatabasePath(database),
                    services.GetRequiredService<KeyEncryptionKeyLocation>(), known, ct);
            }
            catch (RestoreRefusedException e)
            {
                return AdminCli.Fail(e.Message);
            }

            // The restored database is brought to this version's schema and records that it was restored.
            await cli.PrepareAsync(ct);
            await services.GetRequiredService<AuditLog>().RecordAsync(
                new AuditRecord(AuditEventTypes.BackupRestored, true, "cli", Details: Path.GetFullPath(parse.GetRequiredValue(file))), ct);
            Console.WriteLine($"restored {outcome.Contents.Certificates:N0} certificates and {outcome.Contents.AuditEvents:N0} audit events into {DatabasePath(database)}.");
            Console.WriteLine(outcome.ReplacedDatabase is null
                ? "There was no database before."
                : $"The database it replaced is kept as {outcome.ReplacedDatabase}.");
            return 0;
        });
        return restore;
    }

    private static string DatabasePath(DatabaseConnection database) =>
        Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
}
