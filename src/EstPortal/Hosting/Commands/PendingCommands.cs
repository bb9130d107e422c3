using System.CommandLine;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;

namespace EstPortal.Hosting.Commands;

internal static class PendingCommands
{
    public static Command Create(AdminCli cli)
    {
        var all = new Option<bool>("--all") { Description = "Include decided requests, not only those waiting." };
        var output = CommandOutput.Option();
        var list = new Command("list", "Requests waiting for approval (RFC 7030 §4.2.3).") { all, output };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var rows = await cli.App.Services.GetRequiredService<PendingApprovals>().ListAsync(parse.GetValue(all) ? null : PendingStatus.Pending, ct);
            CommandOutput.List(parse.GetValue(output), rows.Select(p => new PendingListRow(p.Id, p.Status, p.ProfileName, p.Operation,
                    p.RequesterKey, CommandOutput.Utc(p.RequestedAt), p.Subject, p.CsrSha256)),
                p => $"{p.Id}\t{p.Status}\t{p.Profile}\t{p.Operation}\t{p.Requester}\t{p.RequestedAt:u}\t{p.Subject}\tcsr-sha256:{p.CsrSha256}");
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
        var output = CommandOutput.Option();
        var command = new Command("show", "A held request with its CSR decoded: exactly what `pending approve` issues.") { id, output };
        command.SetAction(async (parse, ct) =>
        {
            if (!Guid.TryParse(parse.GetRequiredValue(id), out var requestId))
                return AdminCli.Fail($"'{parse.GetRequiredValue(id)}' is not a request id");
            await cli.PrepareAsync(ct);
            if (await cli.App.Services.GetRequiredService<PendingApprovals>().FindDetailsAsync(requestId, ct) is not { Summary: var p } details)
                return AdminCli.NotFound($"No pending request has id {requestId}.");
            var csr = details.Csr;
            var view = new PendingShowRow(p.Id, p.Status, p.DecidedBy, p.DecisionReason, csr is not null, csr?.Subject, csr?.SubjectAlternativeNames ?? [],
                csr?.Key, csr?.RequestedExtensions ?? [], csr?.Attributes ?? [], p.CsrSha256, p.PublicKeySha256, p.RequesterKey, p.ClientIp,
                p.ProfileName, p.Operation, CommandOutput.Utc(p.RequestedAt), p.IssuedSerial);
            CommandOutput.One(parse.GetValue(output), view, Print);
            return 0;
        });
        return command;
    }

    private static void Print(PendingShowRow p)
    {
        Console.WriteLine($"id: {p.Id}");
        Console.WriteLine($"status: {p.Status}{(p.DecidedBy is null ? "" : $" by {p.DecidedBy}")}{(p.DecisionReason is null ? "" : $": {p.DecisionReason}")}");
        Console.WriteLine($"subject: {p.Subject ?? "(the stored CSR cannot be decoded)"}");
        Console.WriteLine($"subjectAltName: {Join(p.SubjectAltNames)}");
        Console.WriteLine($"key: {p.Key ?? "-"}");
        Console.WriteLine($"requested extensions: {Join(p.RequestedExtensions)}");
        Console.WriteLine($"attributes: {Join(p.Attributes)}");
        Console.WriteLine($"csr-sha256: {p.CsrSha256}");
        Console.WriteLine($"key-sha256: {p.KeySha256}");
        Console.WriteLine($"requester: {p.Requester}");
        Console.WriteLine($"client ip: {p.ClientIp ?? "-"}");
        Console.WriteLine($"profile: {p.Profile}");
        Console.WriteLine($"operation: {p.Operation}");
        Console.WriteLine($"requested: {p.RequestedAt:u}");
        if (p.IssuedSerial is not null)
            Console.WriteLine($"issued serial: {p.IssuedSerial}");
    }

    private static string Join(IReadOnlyList<string>? values) => values is null || values.Count == 0 ? "-" : string.Join(", ", values);

    private static Command Decide(AdminCli cli, string name, bool approve)
    {
        var id = new Argument<string>("ID") { Description = "The request id from `pending list`." };
        var reason = new Option<string?>("--reason") { Description = approve ? "Optional note. Default: none." : "Why (the device is told).", Required = !approve };
        var csrHash = new Option<string?>("--csr-sha256")
        {
            Description = "Decide only if the request holds the CSR with this SHA-256 (as `pending show` prints it). A request id always names one CSR; this makes a script say which one it read. Default: not checked.",
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
                return AdminCli.NotFound($"No pending request has id {requestId}.");
            var error = await approvals.DecideAsync(requestId, expected, approve, parse.GetValue(reason), "cli", ct);
            if (error is not null)
                return AdminCli.Fail(error);
            Console.WriteLine(approve ? $"Approved {requestId} (CSR SHA-256 {expected})." : $"Rejected {requestId}.");
            return 0;
        });
        return command;
    }
}

/// <summary>`pending list` row (docs/cli-output.md).</summary>
internal sealed record PendingListRow(Guid Id, string Status, string Profile, string Operation, string Requester, DateTimeOffset RequestedAt,
    string Subject, string CsrSha256);

/// <summary>`pending show` (docs/cli-output.md): the request and its decoded CSR; csrDecodable false leaves the CSR fields empty.</summary>
internal sealed record PendingShowRow(Guid Id, string Status, string? DecidedBy, string? DecisionReason, bool CsrDecodable, string? Subject,
    IReadOnlyList<string> SubjectAltNames, string? Key, IReadOnlyList<string> RequestedExtensions, IReadOnlyList<string> Attributes,
    string CsrSha256, string KeySha256, string Requester, string? ClientIp, string Profile, string Operation, DateTimeOffset RequestedAt,
    string? IssuedSerial);
