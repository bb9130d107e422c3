using System.CommandLine;
using System.Globalization;
using EstPortal.Admin;
using EstPortal.Data.Entities;

namespace EstPortal.Hosting.Commands;

internal static class ApiKeyCommands
{
    public static Command Create(AdminCli cli) => new("apikey", "API keys for the automation API (/api/v1).") { Add(cli), List(cli), Revoke(cli) };

    private static Command Add(AdminCli cli)
    {
        var name = new Argument<string>("NAME") { Description = "The key's name; its calls are audited as apikey:NAME." };
        var role = new Option<string>("--role") { Description = "The role the key acts with: Operator, Auditor or Admin.", Required = true };
        var expires = new Option<string?>("--expires") { Description = "Lifetime: 90d, 12h, 30m (default: no expiry)." };
        var add = new Command("add", "Create an API key and print it (shown once, alone on the last line).") { name, role, expires };
        add.SetAction(async (parse, ct) =>
        {
            TimeSpan? lifetime = null;
            if (parse.GetValue(expires) is { } text)
            {
                if (!BootstrapTokenAdmin.TryParseLifetime(text, out var parsed))
                    return AdminCli.Fail($"--expires '{text}' is not a lifetime such as 90d, 12h or 30m");
                lifetime = parsed;
            }
            var roleName = OperatorRoles.All.FirstOrDefault(r => r.Equals(parse.GetValue(role), StringComparison.OrdinalIgnoreCase)) ?? parse.GetValue(role) ?? "";
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<ApiKeyAdmin>().CreateAsync(parse.GetRequiredValue(name), roleName, lifetime, "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            var key = result.Value!;
            Console.WriteLine($"API key '{key.Name}' ({key.Role}{(key.ExpiresAt is { } e ? $", expires {e:u}" : ", no expiry")}). Send it as 'Authorization: Bearer <key>' (shown once):");
            Console.WriteLine(key.Key);
            return 0;
        });
        return add;
    }

    private static Command List(AdminCli cli)
    {
        var output = CommandOutput.Option();
        var list = new Command("list", "List API keys: name, role, created, expires, last used.") { output };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var now = cli.App.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var format = parse.GetValue(output);
            if (format == OutputFormat.Text)
                Console.WriteLine("NAME\tROLE\tCREATED\tEXPIRES\tLAST USED\tSTATE");
            var keys = await cli.App.Services.GetRequiredService<ApiKeyAdmin>().ListAsync(ct);
            CommandOutput.List(format, keys.Select(k => new ApiKeyListRow(k.Name, k.Role, CommandOutput.Utc(k.CreatedAt),
                    k.ExpiresAt is { } e ? CommandOutput.Utc(e) : null, k.LastUsedAt is { } u ? CommandOutput.Utc(u) : null,
                    k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active")),
                k => string.Join('\t', k.Name, k.Role, Time(k.CreatedAt), k.ExpiresAt is { } e ? Time(e) : "never",
                    k.LastUsedAt is { } u ? Time(u) : "never", k.State));
            return 0;
        });
        return list;
    }

    private static Command Revoke(AdminCli cli)
    {
        var name = new Argument<string>("NAME");
        var revoke = new Command("revoke", "Revoke an API key: its next request is refused.") { name };
        revoke.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<ApiKeyAdmin>().RevokeAsync(parse.GetRequiredValue(name), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"API key '{result.Value}' revoked.");
            return 0;
        });
        return revoke;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}

/// <summary>`apikey list` row (docs/cli-output.md); state is active, expired or revoked.</summary>
internal sealed record ApiKeyListRow(string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, string State);
