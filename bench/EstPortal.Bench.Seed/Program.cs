using System.Diagnostics;
using EstPortal.Bench.Seed;

// Usage: EstPortal.Bench.Seed <data-directory> [--devices N] [--certificates N] [--audit-events N] [--force]
if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: EstPortal.Bench.Seed <data-directory> [--devices 100000] [--certificates 1000000] [--audit-events 200000] [--force]");
    return 2;
}

var options = SeedOptions.Parse(args);
var databasePath = Path.Combine(Path.GetFullPath(options.DataDirectory), "estportal.db");
if (File.Exists(databasePath))
{
    if (!options.Force)
    {
        Console.Error.WriteLine($"error: {databasePath} exists; pass --force to replace it");
        return 1;
    }
    foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        File.Delete(file);
}
Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);

var total = Stopwatch.StartNew();
await using var seeder = await FleetSeeder.CreateAsync(databasePath);
await seeder.MigrateAsync();
Console.WriteLine($"schema (the app's migrations): {total.Elapsed.TotalSeconds:F1} s");
await seeder.SeedAsync(options, Console.Out);
Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s: {databasePath}");
Console.WriteLine("Audit events are stored unchained (empty Hash); the app chains them in sequence order at its next start.");
return 0;
