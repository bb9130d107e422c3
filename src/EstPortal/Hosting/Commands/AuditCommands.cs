using System.CommandLine;
using EstPortal.Audit;

namespace EstPortal.Hosting.Commands;

internal static class AuditCommands
{
    public static Command Create(AdminCli cli)
    {
        var verify = new Command("verify", "Check the audit log's hash chain; names the first event that was changed or removed.");
        verify.SetAction(async (_, ct) =>
        {
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync(ct);
            if (!result.Intact)
                return AdminCli.Fail($"audit log tampered: {result.Summary}");
            Console.WriteLine($"audit log intact: {result.Summary}");
            return 0;
        });
        return new Command("audit", "The audit log.") { verify };
    }
}
