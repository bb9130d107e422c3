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
                     CertCommands.Create(this), BackupCommands.Create(this), ApiKeyCommands.Create(this), TrustCommands.Create(this), MigrateCommand.Create(this) })
            _root.Subcommands.Add(command);
        _optionNames = Descendants(_root).SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name))
            .Select(n => n.TrimStart('-')).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every command and subcommand, for the help of each to be checked.</summary>
    internal IEnumerable<Command> AllCommands => Descendants(_root);

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
            return Fail(e.Message, ExitCodes.Unavailable);
        }
    }

    /// <summary>Schema, roles, default CA and profile: what every command may touch.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken) =>
        await App.Services.GetRequiredService<FirstRunInitializer>().PrepareDatabaseAsync(cancellationToken);

    public static int Fail(string message, int exitCode = ExitCodes.Invalid)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }

    public static int NotFound(string message) => Fail(message, ExitCodes.NotFound);

    /// <summary>A refused admin action: its message, and the exit code for why.</summary>
    public static int Fail<T>(Admin.AdminResult<T> result) => Fail(result.Error!, result.Failure switch
    {
        Admin.AdminFailure.NotFound => ExitCodes.NotFound,
        Admin.AdminFailure.Conflict => ExitCodes.Conflict,
        _ => ExitCodes.Invalid,
    });

    private static IEnumerable<Command> Descendants(Command command) =>
        command.Subcommands.SelectMany(Descendants).Prepend(command);
}

/// <summary>
/// What an admin command's exit status means (docs/cli-output.md), kept stable for scripts. Bad arguments that
/// System.CommandLine rejects exit with 1 as well.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad input, or an action the rules refuse.</summary>
    public const int Invalid = 1;

    /// <summary>What the command names does not exist (device, CA, profile, serial, request, key, anchor).</summary>
    public const int NotFound = 2;

    /// <summary>It exists already, or is not in a state the action applies to (already revoked, already decided).</summary>
    public const int Conflict = 3;

    /// <summary>The installation cannot serve the command: schema behind this version, another key-encryption key.</summary>
    public const int Unavailable = 4;
}
