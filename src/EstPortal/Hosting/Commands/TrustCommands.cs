using System.CommandLine;
using EstPortal.Admin;

namespace EstPortal.Hosting.Commands;

/// <summary>`trust add|list|remove`: client-authentication trust anchors (manufacturer IDevID CAs, TPM EK roots).</summary>
internal static class TrustCommands
{
    public static Command Create(AdminCli cli) =>
        new("trust", "Trust anchors that authenticate devices (never issuers): manufacturer IDevID CAs, TPM endorsement-key roots.")
        {
            Add(cli), List(cli), Remove(cli),
        };

    private static Command Add(AdminCli cli)
    {
        var name = new Argument<string>("NAME") { Description = "The anchor's name, as profiles refer to it (--idevid-trust NAME)." };
        var certificate = new Option<string>("--cert") { Description = "PEM file with the CA certificate.", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "idevid (a manufacturer CA) or tpm-ek (a TPM vendor's EK root).", DefaultValueFactory = _ => "idevid" };
        var command = new Command("add", "Add a trust anchor from a PEM CA certificate.") { name, certificate, purpose };
        command.SetAction(async (parse, ct) =>
        {
            if (TrustAnchorAdmin.ParsePurpose(parse.GetValue(purpose)) is not { } anchorPurpose)
                return AdminCli.Fail($"--purpose '{parse.GetValue(purpose)}' is not idevid or tpm-ek");
            string pem;
            try
            {
                pem = await File.ReadAllTextAsync(parse.GetRequiredValue(certificate), ct);
            }
            catch (IOException ex)
            {
                return AdminCli.Fail(ex.Message);
            }
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<TrustAnchorAdmin>()
                .AddAsync(parse.GetRequiredValue(name), pem, anchorPurpose, "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            var anchor = result.Value!;
            Console.WriteLine($"Trust anchor '{anchor.Name}' ({TrustAnchorAdmin.Describe(anchor.Purpose)}) added: {anchor.Subject}, SHA-256 {anchor.Sha256Fingerprint}");
            return 0;
        });
        return command;
    }

    private static Command List(AdminCli cli)
    {
        var output = CommandOutput.Option();
        var command = new Command("list", "List trust anchors: name, purpose, notAfter, SHA-256, subject.") { output };
        command.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var anchors = await cli.App.Services.GetRequiredService<TrustAnchorAdmin>().ListAsync(ct);
            CommandOutput.List(parse.GetValue(output), anchors.Select(a => new TrustAnchorListRow(a.Name, TrustAnchorAdmin.Describe(a.Purpose),
                    CommandOutput.Utc(a.NotAfter), a.Sha256Fingerprint, a.Subject)),
                a => $"{a.Name}\t{a.Purpose}\t{a.NotAfter:yyyy-MM-dd}\t{a.Sha256}\t{a.Subject}");
            return 0;
        });
        return command;
    }

    private static Command Remove(AdminCli cli)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("remove", "Remove a trust anchor: certificates under it authenticate nothing from the next request on.") { name };
        command.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<TrustAnchorAdmin>().RemoveAsync(parse.GetRequiredValue(name), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Trust anchor '{result.Value!.Name}' removed.");
            return 0;
        });
        return command;
    }
}

/// <summary>`trust list` row (docs/cli-output.md).</summary>
internal sealed record TrustAnchorListRow(string Name, string Purpose, DateTimeOffset NotAfter, string Sha256, string Subject);
