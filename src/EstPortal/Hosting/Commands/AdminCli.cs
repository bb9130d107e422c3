using System.CommandLine;

namespace EstPortal.Hosting.Commands;

/// <summary>
/// `EstPortal &lt;command&gt;`: the same services, configuration and database as the web app, without starting the
/// web server. Secrets are printed once, alone on the last line of stdout, so scripts can take them with `tail -n1`.
/// </summary>
internal sealed class AdminCli
{
    private readonly RootCommand _root;
    private readonly HashSet<string> _optionNames;
    private WebApplication? _app;

    public AdminCli()
    {
        _root = new RootCommand("EstPortal administration. Settings use the server's configuration, e.g. --EstPortal:DataDirectory=/var/lib/estportal.");
        foreach (var command in new[] { CaCommands.Create(this), ProfileCommands.Create(this), DeviceCommands.Create(this),
                     TokenCommands.Create(this), PendingCommands.Create(this), OperatorCommands.Create(this), AuditCommands.Create(this),
                     CertCommands.Create(this), TrustCommands.Create(this), MigrateCommand.Create(this) })
            _root.Subcommands.Add(command);
        _optionNames = Descendants(_root).SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name))
            .Select(n => n.TrimStart('-')).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public WebApplication App => _app ?? throw new InvalidOperationException("The admin command runs without an app.");

    public bool IsCommand(string[] args) =>
        args.Length > 0 && (args[0] is "--help" or "-h" or "-?" || _root.Subcommands.Any(c => c.Name == args[0]));

    /// <summary>
    /// Splits configuration settings (`--EstPortal:DataDirectory=/x`, and what WebApplicationFactory passes to Main)
    /// from the command's own words and options (`--ttl=1h` stays an option).
    /// </summary>
    public (string[] Settings, string[] Command) Split(string[] args)
    {
        bool IsSetting(string a)
        {
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.IndexOf('=', StringComparison.Ordinal) is var eq && eq < 0)
                return false;
            return !_optionNames.Contains(a[2..eq]);
        }
        return (args.Where(IsSetting).ToArray(), args.Where(a => !IsSetting(a)).ToArray());
    }

    public async Task<int> RunAsync(WebApplication app, string[] args)
    {
        _app = app;
        try
        {
            return await _root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is SchemaNotCurrentException or KeyEncryptionKeyMismatchException)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>Schema, roles, default CA and profile: what every command may touch.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken) =>
        await App.Services.GetRequiredService<FirstRunInitializer>().PrepareDatabaseAsync(cancellationToken);

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }

    private static IEnumerable<Command> Descendants(Command command) =>
        command.Subcommands.SelectMany(Descendants).Prepend(command);
}
