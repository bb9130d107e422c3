using System.CommandLine;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;

namespace EstPortal.Hosting.Commands;

internal static class PendingCommands
{
    public static Command Create(AdminCli cli)
    {
        var all = new Option<bool>("--all") { Description = "Include decided requests, not only those waiting." };
        var list = new Command("list", "Requests waiting for approval (RFC 7030 §4.2.3).") { all };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var rows = await cli.App.Services.GetRequiredService<PendingApprovals>().ListAsync(parse.GetValue(all) ? null : PendingStatus.Pending, ct);
            foreach (var p in rows)
                Console.WriteLine($"{p.Id}\t{p.Status}\t{p.ProfileName}\t{p.Operation}\t{p.RequesterKey}\t{p.RequestedAt:u}\t{p.Subject}");
            return 0;
        });

        return new Command("pending", "Enrollment requests held for an operator's approval.")
        {
            list,
            Decide(cli, "approve", approve: true),
            Decide(cli, "reject", approve: false),
        };
    }

    private static Command Decide(AdminCli cli, string name, bool approve)
    {
        var id = new Argument<string>("ID") { Description = "The request id from `pending list`." };
        var reason = new Option<string?>("--reason") { Description = approve ? "Optional note." : "Why (the device is told).", Required = !approve };
        var command = new Command(name, approve ? "Approve a pending request; the device's next retry gets its certificate." : "Reject a pending request with a reason.") { id, reason };
        command.SetAction(async (parse, ct) =>
        {
            if (!Guid.TryParse(parse.GetRequiredValue(id), out var requestId))
                return AdminCli.Fail($"'{parse.GetRequiredValue(id)}' is not a request id");
            await cli.PrepareAsync(ct);
            var error = await cli.App.Services.GetRequiredService<PendingApprovals>().DecideAsync(requestId, approve, parse.GetValue(reason), "cli", ct);
            if (error is not null)
                return AdminCli.Fail(error);
            Console.WriteLine(approve ? $"Approved {requestId}." : $"Rejected {requestId}.");
            return 0;
        });
        return command;
    }
}
