using System.CommandLine;
using EstPortal.Admin;

namespace EstPortal.Hosting.Commands;

internal static class TokenCommands
{
    public static Command Create(AdminCli cli)
    {
        var device = new Option<string?>("--device") { Description = "Bind the token to this device. Default: none (not bound to a device)." };
        var ttl = new Option<string>("--ttl") { Description = "Lifetime: 90s, 15m, 1h, 7d (default 24h).", DefaultValueFactory = _ => "24h" };
        var note = new Option<string?>("--note") { Description = "Free text shown in the portal. Default: none." };
        var profile = new Option<string?>("--profile") { Description = "Only valid on this enrollment profile (its label). Default: any profile that accepts tokens." };
        var subject = new Option<string?>("--subject-pattern") { Description = "A regex the CSR's CN must match, e.g. 'pump-[0-9]+'. Default: none." };
        var count = new Option<int>("--count") { Description = $"How many tokens, each its own one-time secret (at most {BootstrapTokenAdmin.MaxCount:N0}).", DefaultValueFactory = _ => 1 };
        var csv = new Option<bool>("--csv") { Description = "Print the tokens as CSV (id,token,expiresAt,device,profile,note) for an installers' sheet." };
        var issue = new Command("issue", "Issue one-time bootstrap tokens and print them (shown once).") { device, ttl, note, profile, subject, count, csv };
        issue.SetAction(async (parse, ct) =>
        {
            if (!BootstrapTokenAdmin.TryParseLifetime(parse.GetValue(ttl), out var lifetime))
                return AdminCli.Fail($"--ttl '{parse.GetValue(ttl)}' is not a lifetime such as 90s, 15m, 1h or 7d");
            await cli.PrepareAsync(ct);
            var request = new BootstrapTokenRequest(lifetime, parse.GetValue(device), parse.GetValue(note), parse.GetValue(profile), parse.GetValue(subject));
            var result = await cli.App.Services.GetRequiredService<BootstrapTokenAdmin>().IssueManyAsync(request, parse.GetValue(count), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            var tokens = result.Value!;
            if (parse.GetValue(csv))
            {
                foreach (var line in IssuedTokensCsv.Lines(tokens, request))
                    Console.WriteLine(line);
                return 0;
            }
            if (tokens.Count > 1)
            {
                Console.WriteLine($"{tokens.Count} bootstrap tokens valid until {tokens[0].ExpiresAt:u}, one per line (shown once):");
                foreach (var t in tokens)
                    Console.WriteLine(t.Token);
                return 0;
            }
            var token = tokens[0];
            Console.WriteLine($"Bootstrap token {token.Id} valid until {token.ExpiresAt:u}{(token.DeviceName is null ? "" : $" for device '{token.DeviceName}'")}. Use it once as the HTTP Basic password (shown once):");
            Console.WriteLine(token.Token);
            return 0;
        });
        return new Command("token", "One-time bootstrap tokens.") { issue };
    }
}
