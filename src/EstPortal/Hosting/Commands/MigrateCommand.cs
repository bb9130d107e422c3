using System.CommandLine;

namespace EstPortal.Hosting.Commands;

/// <summary>
/// `migrate`: applies this version's schema migrations, then what a first start creates (roles, default CA and
/// profile). The step to run once per upgrade on PostgreSQL, where instances do not migrate at start-up.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create(AdminCli cli)
    {
        var migrate = new Command("migrate", "Apply database migrations (the step before starting instances on PostgreSQL).");
        migrate.SetAction(async (_, ct) =>
        {
            var applied = await cli.App.Services.GetRequiredService<DatabaseSchema>().MigrateAsync(ct);
            await cli.PrepareAsync(ct);
            var database = cli.App.Services.GetRequiredService<DatabaseConnection>();
            Console.WriteLine(applied.Count == 0
                ? $"{database.Provider} database is up to date."
                : $"{database.Provider} database migrated: {string.Join(", ", applied)}");
            return 0;
        });
        return migrate;
    }
}
