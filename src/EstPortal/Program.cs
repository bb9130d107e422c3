using EstPortal.Hosting;

// One executable, two modes: the server (no arguments, or only --Section:Key=value settings) or an admin command.
var (settings, command) = AdminCommands.Split(args);

var builder = WebApplication.CreateBuilder(settings);
builder.AddEstPortal();
var app = builder.Build();
app.UseEstPortal();

if (AdminCommands.IsCommand(command))
    return await AdminCommands.RunAsync(app, command);
if (command.Length > 0)
{
    Console.Error.WriteLine($"error: unknown command '{command[0]}'. Commands: ca, device, token, operator (--help for more).");
    return 2;
}

await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
