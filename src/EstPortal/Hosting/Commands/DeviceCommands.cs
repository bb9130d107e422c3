using System.CommandLine;
using EstPortal.Admin;
using EstPortal.Policy;

namespace EstPortal.Hosting.Commands;

internal static class DeviceCommands
{
    private const string SanDescription =
        "A subjectAltName the device may ask for (repeatable): a regular expression, typed dns:, ip:, uri:, email: or untyped; {device} is the device name, e.g. dns:{device}.plant.example.";

    private const string IdevidDescription =
        "The value the device's manufacturer certificate (IDevID) names it by, where its profile reads it (serialNumber, CN or a SAN URI). Default: the device name.";

    public static Command Create(AdminCli cli) => new("device", "Devices and their credentials.") { AddCommand(cli), SetCommand(cli), ShowCommand(cli), ImportCommand(cli) };

    /// <summary>`device import FILE.csv`: every line checked first, nothing created while any is wrong; credentials once, as CSV.</summary>
    private static Command ImportCommand(AdminCli cli)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV with a header row: name (required), description, san (patterns separated by spaces), any order." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the credentials CSV (name,secret) to this new file (owner-only) instead of standard output. Default: standard output." };
        var import = new Command("import", "Register many devices from a CSV file and print their credentials as CSV (shown once).") { file, output };
        import.SetAction(async (parse, ct) =>
        {
            var source = parse.GetRequiredValue(file);
            if (!source.Exists)
                return AdminCli.Fail($"{source.FullName} does not exist");
            var target = parse.GetValue(output);
            if (target is { Exists: true })
                return AdminCli.Fail($"{target.FullName} exists; the credentials are written only to a new file");
            await cli.PrepareAsync(ct);
            var importer = cli.App.Services.GetRequiredService<DeviceImport>();
            DeviceImportPlan plan;
            using (var reader = source.OpenText())
                plan = await importer.PlanAsync(reader, ct);
            if (!plan.IsValid)
            {
                foreach (var problem in plan.Problems)
                    Console.Error.WriteLine(problem.Line == 0 ? $"{source.Name}: {problem.Message}" : $"{source.Name}:{problem.Line}: {problem.Message}");
                return AdminCli.Fail($"{plan.Problems.Count} problem(s) in {source.Name}; no device was created.");
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            var outcome = await importer.ImportAsync(plan.Devices, "cli", null, ct);
            var credentials = DeviceImport.CredentialsCsv(outcome.Created);
            if (target is null)
                Console.Write(credentials);
            else
                WriteOwnerOnly(target.FullName, credentials);
            Console.Error.WriteLine($"Created {outcome.Created.Count:N0} devices in {started.Elapsed.TotalSeconds:0.0} s.");
            if (outcome.Error is null)
                return 0;
            var remainder = Path.Combine(source.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(source.Name) + ".remaining.csv");
            await File.WriteAllTextAsync(remainder, DeviceImport.RemainderCsv(outcome.Remaining), ct);
            return AdminCli.Fail($"{outcome.Error} The remaining lines are in {remainder}.");
        });
        return import;
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    private static Command AddCommand(AdminCli cli)
    {
        var name = new Argument<string>("NAME") { Description = "Device name: its HTTP Basic user name, and the CN it enrolls under." };
        var description = new Option<string?>("--description") { Description = "Free text shown in the portal. Default: none." };
        var san = new Option<string[]>("--san") { Description = SanDescription + " Default: none (the device may ask for no subjectAltName).", AllowMultipleArgumentsPerToken = false };
        var idevid = new Option<string?>("--idevid") { Description = IdevidDescription };
        var add = new Command("add", "Register a device and print its credential secret (shown once).") { name, description, san, idevid };
        add.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<DeviceAdmin>()
                .AddAsync(parse.GetRequiredValue(name), parse.GetValue(description), parse.GetValue(san) ?? [], parse.GetValue(idevid), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Device '{result.Value!.Name}' registered. Its credential secret (shown once; user name = device name):");
            Console.WriteLine(result.Value.Secret);
            return 0;
        });
        return add;
    }

    private static Command SetCommand(AdminCli cli)
    {
        var name = new Argument<string>("NAME");
        var san = new Option<string[]>("--san") { Description = SanDescription + " Replaces the device's patterns. Default: the patterns stay.", AllowMultipleArgumentsPerToken = false };
        var noSan = new Option<bool>("--no-san") { Description = "Remove every subjectAltName pattern: the device may ask for no subjectAltName." };
        var idevid = new Option<string?>("--idevid") { Description = IdevidDescription };
        var noIdevid = new Option<bool>("--no-idevid") { Description = "Clear the idevid value: an IDevID then names the device by its name." };
        var set = new Command("set", "Change a device's subjectAltName patterns or idevid value.") { name, san, noSan, idevid, noIdevid };
        set.SetAction(async (parse, ct) =>
        {
            var patterns = parse.GetValue(san) ?? [];
            var clear = parse.GetValue(noSan);
            var newIdevid = parse.GetValue(idevid);
            var clearIdevid = parse.GetValue(noIdevid);
            if (patterns.Length == 0 && !clear && newIdevid is null && !clearIdevid)
                return AdminCli.Fail("nothing to change: give --san PATTERN (repeatable), --no-san, --idevid VALUE or --no-idevid");
            if (patterns.Length > 0 && clear)
                return AdminCli.Fail("--san and --no-san exclude each other");
            if (newIdevid is not null && clearIdevid)
                return AdminCli.Fail("--idevid and --no-idevid exclude each other");
            await cli.PrepareAsync(ct);
            var devices = cli.App.Services.GetRequiredService<DeviceAdmin>();
            var device = await devices.FindAsync(parse.GetRequiredValue(name), ct);
            if (device is null)
                return AdminCli.NotFound($"no device is named '{parse.GetRequiredValue(name)}'");
            if (newIdevid is not null || clearIdevid)
            {
                var changed = await devices.SetIdevidAsync(device.Id, newIdevid, "cli", ct);
                if (!changed.Succeeded)
                    return AdminCli.Fail(changed);
                Console.WriteLine(newIdevid is null
                    ? $"Device '{device.Name}' is named by its name in an IDevID."
                    : $"Device '{device.Name}' is named '{newIdevid}' in an IDevID.");
            }
            if (patterns.Length == 0 && !clear)
                return 0;
            var result = await devices.SetSubjectAltNamePatternsAsync(device.Id, patterns, "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine(result.Value!.Count == 0
                ? $"Device '{device.Name}' may ask for no subjectAltName."
                : $"Device '{device.Name}' may ask for subjectAltNames matching: {string.Join(", ", result.Value)}");
            return 0;
        });
        return set;
    }

    private static Command ShowCommand(AdminCli cli)
    {
        var name = new Argument<string>("NAME");
        var output = CommandOutput.Option();
        var show = new Command("show", "Show a device: state, idevid value, the IDevID it arrived with and its TPM endorsement key.") { name, output };
        show.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var device = await cli.App.Services.GetRequiredService<DeviceAdmin>().FindAsync(parse.GetRequiredValue(name), ct);
            if (device is null)
                return AdminCli.NotFound($"no device is named '{parse.GetRequiredValue(name)}'");
            var view = new DeviceShowRow(device.Name, device.Description, device.Disabled ? "disabled" : "enabled", CommandOutput.Utc(device.CreatedAt),
                DeviceSubjectAltNamePatterns.Parse(device.SubjectAltNamePatterns).Select(p => p.ToString()).ToList(), device.Idevid,
                device.IdevidSha256 is null ? null : new DeviceHardwareIdentity(device.IdevidIssuer!, device.IdevidSerialNumber!, device.IdevidSha256,
                    device.IdevidFirstSeenAt is { } seen ? CommandOutput.Utc(seen) : null),
                device.TpmEkSha256 is null ? null : new DeviceHardwareIdentity(device.TpmEkIssuer!, device.TpmEkSerialNumber!, device.TpmEkSha256, null));
            CommandOutput.One(parse.GetValue(output), view, d =>
            {
                Console.WriteLine($"name: {d.Name}");
                Console.WriteLine($"state: {d.State}");
                Console.WriteLine($"created: {d.CreatedAt:u}");
                Console.WriteLine($"idevid: {d.Idevid ?? "(its name)"}");
                Console.WriteLine(d.ArrivedWithIdevid is { } i
                    ? $"arrived with IDevID: issuer '{i.Issuer}' serial {i.SerialNumber}\n  SHA-256 {i.Sha256}, first seen {i.FirstSeenAt:u}"
                    : "arrived with IDevID: none");
                if (d.TpmEndorsementKey is { } ek)
                    Console.WriteLine($"TPM endorsement key: issuer '{ek.Issuer}' serial {ek.SerialNumber}, SHA-256 {ek.Sha256}");
            });
            return 0;
        });
        return show;
    }
}

/// <summary>`device show` (docs/cli-output.md).</summary>
internal sealed record DeviceShowRow(string Name, string? Description, string State, DateTimeOffset CreatedAt, IReadOnlyList<string> SanPatterns,
    string? Idevid, DeviceHardwareIdentity? ArrivedWithIdevid, DeviceHardwareIdentity? TpmEndorsementKey);

/// <summary>A certificate a device proved itself with: an IDevID, or its TPM's EK certificate.</summary>
internal sealed record DeviceHardwareIdentity(string Issuer, string SerialNumber, string Sha256, DateTimeOffset? FirstSeenAt);
