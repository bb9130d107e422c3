using System.CommandLine;
using EstPortal.Admin;

namespace EstPortal.Hosting.Commands;

internal static class DeviceCommands
{
    public static Command Create(AdminCli cli)
    {
        var name = new Argument<string>("NAME") { Description = "Device name: its HTTP Basic user name." };
        var description = new Option<string?>("--description") { Description = "Free text shown in the portal." };
        var add = new Command("add", "Register a device and print its credential secret (shown once).") { name, description };
        add.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<DeviceAdmin>()
                .AddAsync(parse.GetRequiredValue(name), parse.GetValue(description), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result.Error!);
            Console.WriteLine($"Device '{result.Value!.Name}' registered. Its credential secret (shown once; user name = device name):");
            Console.WriteLine(result.Value.Secret);
            return 0;
        });
        return new Command("device", "Devices and their credentials.") { add };
    }
}
