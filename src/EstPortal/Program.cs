using EstPortal.Hosting;
using EstPortal.Hosting.Commands;

// One executable, two modes: the server (no arguments, or only --Section:Key=value settings) or an admin command.
var cli = new AdminCli();
var (settings, command) = cli.Split(args);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = settings,
    // appsettings.json ships next to the executable: read it from there whatever the working directory is
    // (./data stays relative to the working directory). A host that passes its own content root keeps it.
    ContentRootPath = settings.Any(s => s.StartsWith("--contentRoot=", StringComparison.OrdinalIgnoreCase)) ? null : AppContext.BaseDirectory,
});
if (cli.IsCommand(command))
{
    // A command's stdout is its result (a PEM chain; a secret alone on the last line), for `> file` and `tail -n1`.
    builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}
builder.AddEstPortal();
var app = builder.Build();
app.UseEstPortal();

if (cli.IsCommand(command))
    return await cli.RunAsync(app, command);
if (command.Length > 0)
{
    Console.Error.WriteLine($"error: unknown command '{command[0]}'. Commands: ca, profile, device, token, cert, pending, operator, audit, backup, apikey, migrate (--help for more).");
    return 1; // bad input (docs/cli-output.md, exit codes)
}

// Held while the server runs, so `backup restore` cannot replace the database under it (ADR 0019).
using (EstPortal.Hosting.Backup.DataDirectoryLock.HoldShared(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EstPortalOptions>>().Value.ResolveDataDirectory()))
    await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
