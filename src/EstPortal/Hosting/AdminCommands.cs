using System.CommandLine;
using EstPortal.Admin;
using EstPortal.Enrollment;

namespace EstPortal.Hosting;

/// <summary>
/// `EstPortal &lt;command&gt;`: the same services, configuration and database as the web app, without starting the
/// web server. Secrets are printed once, alone on the last line of stdout, so scripts can take them with `tail -n1`.
/// </summary>
internal static class AdminCommands
{
    private static readonly HashSet<string> Verbs = ["ca", "device", "token", "operator", "--help", "-h", "-?"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    // The commands' own options; any other `--key=value` is a configuration setting.
    private static readonly HashSet<string> CommandOptions = new(["ttl", "device", "description", "note", "role", "help"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Splits configuration settings (`--EstPortal:DataDirectory=/x`, also what WebApplicationFactory passes to Main)
    /// from the command's own words and options.
    /// </summary>
    public static (string[] Settings, string[] Command) Split(string[] args)
    {
        static bool IsSetting(string a)
        {
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.IndexOf('=', StringComparison.Ordinal) is var eq && eq < 0)
                return false;
            return !CommandOptions.Contains(a[2..eq]);
        }
        return (args.Where(IsSetting).ToArray(), args.Where(a => !IsSetting(a)).ToArray());
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var root = new RootCommand("EstPortal administration. Settings use the same configuration as the server, e.g. --EstPortal:DataDirectory=/var/lib/estportal.");
        root.Subcommands.Add(CaCommand(app));
        root.Subcommands.Add(DeviceCommand(app));
        root.Subcommands.Add(TokenCommand(app));
        root.Subcommands.Add(OperatorCommand(app));
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken) =>
        await app.Services.GetRequiredService<FirstRunInitializer>().PrepareDatabaseAsync(cancellationToken);

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }

    private static Command CaCommand(WebApplication app)
    {
        var list = new Command("list", "List certificate authorities.");
        list.SetAction(async (_, ct) =>
        {
            await PrepareAsync(app, ct);
            var cas = await app.Services.GetRequiredService<CertificateAuthorities>().ListAsync(ct);
            foreach (var ca in cas)
                Console.WriteLine($"{ca.Name}\t{(ca.IsDefault ? "default" : "-")}\t{ca.KeyAlgorithm}\t{ca.NotAfter:yyyy-MM-dd}\t{ca.Subject}");
            return 0;
        });

        var name = new Argument<string?>("NAME") { Description = "CA name (the default CA when omitted).", Arity = ArgumentArity.ZeroOrOne };
        var export = new Command("export", "Print the CA certificate chain as PEM.") { name };
        export.SetAction(async (parse, ct) =>
        {
            await PrepareAsync(app, ct);
            var cas = app.Services.GetRequiredService<CertificateAuthorities>();
            var wanted = parse.GetValue(name);
            var ca = wanted is null ? await cas.FindDefaultAsync(ct) : await cas.FindByNameAsync(wanted, ct);
            if (ca is null)
                return Fail(wanted is null ? "no default CA exists" : $"no CA is named '{wanted}'");
            Console.Write(CertificateAuthorityAdmin.ExportChainPem(ca));
            return 0;
        });

        return new Command("ca", "Certificate authorities.") { list, export };
    }

    private static Command DeviceCommand(WebApplication app)
    {
        var name = new Argument<string>("NAME") { Description = "Device name: its HTTP Basic user name." };
        var description = new Option<string?>("--description") { Description = "Free text shown in the portal." };
        var add = new Command("add", "Register a device and print its credential secret (shown once).") { name, description };
        add.SetAction(async (parse, ct) =>
        {
            await PrepareAsync(app, ct);
            var result = await app.Services.GetRequiredService<DeviceAdmin>()
                .AddAsync(parse.GetRequiredValue(name), parse.GetValue(description), "cli", ct);
            if (!result.Succeeded)
                return Fail(result.Error!);
            Console.WriteLine($"Device '{result.Value!.Name}' registered. Its credential secret (shown once; user name = device name):");
            Console.WriteLine(result.Value.Secret);
            return 0;
        });
        return new Command("device", "Devices and their credentials.") { add };
    }

    private static Command TokenCommand(WebApplication app)
    {
        var device = new Option<string?>("--device") { Description = "Bind the token to this device." };
        var ttl = new Option<string>("--ttl") { Description = "Lifetime: 90s, 15m, 1h, 7d (default 24h).", DefaultValueFactory = _ => "24h" };
        var note = new Option<string?>("--note") { Description = "Free text shown in the portal." };
        var issue = new Command("issue", "Issue a one-time bootstrap token and print it (shown once).") { device, ttl, note };
        issue.SetAction(async (parse, ct) =>
        {
            if (!BootstrapTokenAdmin.TryParseLifetime(parse.GetValue(ttl), out var lifetime))
                return Fail($"--ttl '{parse.GetValue(ttl)}' is not a lifetime such as 90s, 15m, 1h or 7d");
            await PrepareAsync(app, ct);
            var result = await app.Services.GetRequiredService<BootstrapTokenAdmin>()
                .IssueAsync(lifetime, parse.GetValue(device), parse.GetValue(note), "cli", ct);
            if (!result.Succeeded)
                return Fail(result.Error!);
            var token = result.Value!;
            Console.WriteLine($"Bootstrap token {token.Id} valid until {token.ExpiresAt:u}{(token.DeviceName is null ? "" : $" for device '{token.DeviceName}'")}. Use it once as the HTTP Basic password (shown once):");
            Console.WriteLine(token.Token);
            return 0;
        });
        return new Command("token", "One-time bootstrap tokens.") { issue };
    }

    private static Command OperatorCommand(WebApplication app)
    {
        var email = new Argument<string>("EMAIL") { Description = "The operator's e-mail, their sign-in name." };
        var role = new Option<string>("--role") { Description = "Admin, Operator or Auditor.", Required = true };
        var add = new Command("add", "Create a portal operator and print a generated password (shown once).") { email, role };
        add.SetAction(async (parse, ct) =>
        {
            await PrepareAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<OperatorAdmin>()
                .AddAsync(parse.GetRequiredValue(email), parse.GetRequiredValue(role), password: null, "cli");
            if (!result.Succeeded)
                return Fail(result.Error!);
            Console.WriteLine($"Operator {result.Value!.Email} created as {result.Value.Role}. Password (shown once):");
            Console.WriteLine(result.Value.Password);
            return 0;
        });
        return new Command("operator", "Portal operators.") { add };
    }
}
