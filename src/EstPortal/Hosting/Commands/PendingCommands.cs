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
                Console.WriteLine($"{p.Id}\t{p.Status}\t{p.ProfileName}\t{p.Operation}\t{p.RequesterKey}\t{p.RequestedAt:u}\t{p.Subject}\tcsr-sha256:{p.CsrSha256}");
            return 0;
        });

        return new Command("pending", "Enrollment requests held for an operator's approval.")
        {
            list,
            Show(cli),
            Decide(cli, "approve", approve: true),
            Decide(cli, "reject", approve: false),
        };
    }

    /// <summary>What the operator approves: the decoded CSR and the hash of its bytes.</summary>
    private static Command Show(AdminCli cli)
    {
        var id = new Argument<string>("ID") { Description = "The request id from `pending list`." };
        var command = new Command("show", "A held request with its CSR decoded: exactly what `pending approve` issues.") { id };
        command.SetAction(async (parse, ct) =>
        {
            if (!Guid.TryParse(parse.GetRequiredValue(id), out var requestId))
                return AdminCli.Fail($"'{parse.GetRequiredValue(id)}' is not a request id");
            await cli.PrepareAsync(ct);
            if (await cli.App.Services.GetRequiredService<PendingApprovals>().FindDetailsAsync(requestId, ct) is not { Summary: var p } details)
                return AdminCli.Fail($"No pending request has id {requestId}.");
            var csr = details.Csr;
            Console.WriteLine($"id: {p.Id}");
            Console.WriteLine($"status: {p.Status}{(p.DecidedBy is null ? "" : $" by {p.DecidedBy}")}{(p.DecisionReason is null ? "" : $": {p.DecisionReason}")}");
            Console.WriteLine($"subject: {csr?.Subject ?? "(the stored CSR cannot be decoded)"}");
            Console.WriteLine($"subjectAltName: {Join(csr?.SubjectAlternativeNames)}");
            Console.WriteLine($"key: {csr?.Key ?? "-"}");
            Console.WriteLine($"requested extensions: {Join(csr?.RequestedExtensions)}");
            Console.WriteLine($"attributes: {Join(csr?.Attributes)}");
            Console.WriteLine($"csr-sha256: {p.CsrSha256}");
            Console.WriteLine($"key-sha256: {p.PublicKeySha256}");
            Console.WriteLine($"requester: {p.RequesterKey}");
            Console.WriteLine($"client ip: {p.ClientIp ?? "-"}");
            Console.WriteLine($"profile: {p.ProfileName}");
            Console.WriteLine($"operation: {p.Operation}");
            Console.WriteLine($"requested: {p.RequestedAt:u}");
            if (p.IssuedSerial is not null)
                Console.WriteLine($"issued serial: {p.IssuedSerial}");
            return 0;
        });
        return command;
    }

    private static string Join(IReadOnlyList<string>? values) => values is null || values.Count == 0 ? "-" : string.Join(", ", values);

    private static Command Decide(AdminCli cli, string name, bool approve)
    {
        var id = new Argument<string>("ID") { Description = "The request id from `pending list`." };
        var reason = new Option<string?>("--reason") { Description = approve ? "Optional note." : "Why (the device is told).", Required = !approve };
        var csrHash = new Option<string?>("--csr-sha256")
        {
            Description = "Decide only if the request holds the CSR with this SHA-256 (as `pending show` prints it). A request id always names one CSR; this makes a script say which one it read.",
        };
        var command = new Command(name, approve
            ? "Approve a pending request; the device's next retry with exactly this CSR gets its certificate."
            : "Reject a pending request with a reason.") { id, reason, csrHash };
        command.SetAction(async (parse, ct) =>
        {
            if (!Guid.TryParse(parse.GetRequiredValue(id), out var requestId))
                return AdminCli.Fail($"'{parse.GetRequiredValue(id)}' is not a request id");
            await cli.PrepareAsync(ct);
            var approvals = cli.App.Services.GetRequiredService<PendingApprovals>();
            // Without --csr-sha256 the id alone names the CSR: a request's CSR is stored once and never changes.
            var expected = parse.GetValue(csrHash) ?? (await approvals.FindDetailsAsync(requestId, ct))?.Summary.CsrSha256;
            if (expected is null)
                return AdminCli.Fail($"No pending request has id {requestId}.");
            var error = await approvals.DecideAsync(requestId, expected, approve, parse.GetValue(reason), "cli", ct);
            if (error is not null)
                return AdminCli.Fail(error);
            Console.WriteLine(approve ? $"Approved {requestId} (CSR SHA-256 {expected})." : $"Rejected {requestId}.");
            return 0;
        });
        return command;
    }
}
