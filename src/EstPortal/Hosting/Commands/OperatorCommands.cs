using System.CommandLine;
using EstPortal.Admin;

namespace EstPortal.Hosting.Commands;

internal static class OperatorCommands
{
    public static Command Create(AdminCli cli)
    {
        var email = new Argument<string>("EMAIL") { Description = "The operator's e-mail, their sign-in name." };
        var role = new Option<string>("--role") { Description = "Admin, Operator or Auditor.", Required = true };
        var add = new Command("add", "Create a portal operator and print a generated password (shown once).") { email, role };
        add.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            await using var scope = cli.App.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<OperatorAdmin>()
                .AddAsync(parse.GetRequiredValue(email), parse.GetRequiredValue(role), password: null, "cli");
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Operator {result.Value!.Email} created as {result.Value.Role}. Password (shown once):");
            Console.WriteLine(result.Value.Password);
            return 0;
        });
        return new Command("operator", "Portal operators.") { add };
    }
}
