using System.CommandLine;
using System.Text.Json;
using EstPortal.Admin;
using EstPortal.Policy;

namespace EstPortal.Hosting.Commands;

internal static class ProfileCommands
{
    public static Command Create(AdminCli cli)
    {
        var listOutput = CommandOutput.Option();
        var list = new Command("list", "List enrollment profiles and their EST paths.") { listOutput };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var profiles = await cli.App.Services.GetRequiredService<ProfileAdmin>().ListAsync(ct);
            CommandOutput.List(parse.GetValue(listOutput), profiles.Select(p => new ProfileListRow(p.Name, p.Label, PathOf(p.Label), p.CaName, p.IsDefault, p.RequiresApproval)),
                p => $"{p.Name}\t{p.Path}\tCA={p.Ca}\tapproval={(p.RequiresApproval ? "yes" : "no")}");
            return 0;
        });

        var showName = new Argument<string>("NAME");
        var showOutput = CommandOutput.Option();
        var show = new Command("show", "Show a profile and its policy (JSON).") { showName, showOutput };
        show.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var profile = await cli.App.Services.GetRequiredService<ProfileAdmin>().FindAsync(parse.GetRequiredValue(showName), ct);
            if (profile is null)
                return AdminCli.NotFound($"no profile is named '{parse.GetRequiredValue(showName)}'");
            CommandOutput.One(parse.GetValue(showOutput),
                new ProfileShowRow(profile.Name, profile.Label, PathOf(profile.Label), profile.CaName, profile.IsDefault, profile.RequiresApproval,
                    profile.WrapBase64Lines, profile.Policy),
                p =>
                {
                    Console.WriteLine($"name: {p.Name}");
                    Console.WriteLine($"path: {p.Path}");
                    Console.WriteLine($"ca: {p.Ca}");
                    Console.WriteLine($"requires approval: {(p.RequiresApproval ? "yes" : "no")}");
                    Console.WriteLine($"base64 line breaks: {(p.WrapBase64Lines ? "64 characters (libest)" : "none (RFC 8951)")}");
                    Console.WriteLine("policy:");
                    Console.WriteLine(JsonSerializer.Serialize(p.Policy, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                });
            return 0;
        });

        var setName = new Argument<string>("NAME");
        var setPolicy = new Option<FileInfo?>("--policy") { Description = "A JSON policy file (as `profile show` prints) replacing the current policy; flags below apply on top of it. Default: none (the current policy stays)." };
        var set = new Command("set", "Change a profile: each flag changes only its part of the current policy; what is not given stays.") { setName, setPolicy };
        var setFlags = new ProfilePolicyOptions();
        setFlags.AddTo(set);
        set.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var profiles = cli.App.Services.GetRequiredService<ProfileAdmin>();
            var current = await profiles.FindAsync(parse.GetRequiredValue(setName), ct);
            if (current is null)
                return AdminCli.NotFound($"no profile is named '{parse.GetRequiredValue(setName)}'");
            CsrPolicy policy;
            try
            {
                policy = parse.GetValue(setPolicy) is { } file ? CsrPolicy.FromJson(await File.ReadAllTextAsync(file.FullName, ct)) : current.Policy;
                policy = setFlags.Apply(parse, policy);
            }
            catch (Exception ex) when (ex is JsonException or IOException or FormatException)
            {
                return AdminCli.Fail(ex.Message);
            }
            var result = await profiles.UpdateAsync(current.Name, policy, setFlags.RequiresApproval(parse, current.RequiresApproval),
                setFlags.WrapBase64Lines(parse, current.WrapBase64Lines), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Profile '{current.Name}' updated.");
            return 0;
        });

        return new Command("profile", "Enrollment profiles (RFC 7030 §3.2.2 labels).") { AddCommand(cli), list, show, set };
    }

    private static Command AddCommand(AdminCli cli)
    {
        var name = new Argument<string>("NAME");
        var label = new Option<string?>("--label") { Description = "The EST label (/.well-known/est/LABEL/...). Default: none (the profile is not reachable by a label)." };
        var ca = new Option<string?>("--ca") { Description = "Issuing CA (the default CA when omitted)." };
        var policyFile = new Option<FileInfo?>("--policy") { Description = "A JSON policy file (as `profile show` prints); flags below override it. Default: none (the defaults below)." };
        var add = new Command("add", "Create an enrollment profile.") { name, label, ca, policyFile };
        var flags = new ProfilePolicyOptions();
        flags.AddTo(add);
        add.SetAction(async (parse, ct) =>
        {
            CsrPolicy policy;
            try
            {
                policy = parse.GetValue(policyFile) is { } file ? CsrPolicy.FromJson(await File.ReadAllTextAsync(file.FullName, ct)) : CsrPolicy.Default;
                policy = flags.Apply(parse, policy);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or IOException)
            {
                return AdminCli.Fail(ex.Message);
            }

            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<ProfileAdmin>().AddAsync(parse.GetRequiredValue(name), parse.GetValue(label),
                parse.GetValue(ca), policy, flags.RequiresApproval(parse, false), flags.WrapBase64Lines(parse, false), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Profile '{result.Value!.Name}' created at {PathOf(result.Value.Label)}.");
            return 0;
        });
        return add;
    }

    private static string PathOf(string? label) => label is null ? "/.well-known/est/" : $"/.well-known/est/{label}/";
}

/// <summary>`profile list` row (docs/cli-output.md); label null for the default path.</summary>
internal sealed record ProfileListRow(string Name, string? Label, string Path, string Ca, bool Default, bool RequiresApproval);

/// <summary>`profile show` (docs/cli-output.md); policy as `profile add --policy` reads it.</summary>
internal sealed record ProfileShowRow(string Name, string? Label, string Path, string Ca, bool Default, bool RequiresApproval, bool WrapBase64Lines,
    CsrPolicy Policy);
