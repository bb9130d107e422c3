using System.CommandLine;
using EstPortal.Admin;
using EstPortal.Enrollment;

namespace EstPortal.Hosting.Commands;

internal static class CaCommands
{
    public static Command Create(AdminCli cli)
    {
        var list = new Command("list", "List certificate authorities.");
        list.SetAction(async (_, ct) =>
        {
            await cli.PrepareAsync(ct);
            var cas = await cli.App.Services.GetRequiredService<CertificateAuthorities>().ListAsync(ct);
            foreach (var ca in cas)
            {
                var state = ca.IsDefault ? "default" : ca.RetiredAt is null ? "-" : "retired";
                Console.WriteLine($"{ca.Name}\t{state}\t{ca.KeyAlgorithm}\t{ca.NotAfter:yyyy-MM-dd}\t{ca.Subject}");
            }
            return 0;
        });

        var name = new Argument<string?>("NAME") { Description = "CA name (the default CA when omitted).", Arity = ArgumentArity.ZeroOrOne };
        var export = new Command("export", "Print the CA certificate chain as PEM (with rollover link certificates).") { name };
        export.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var cas = cli.App.Services.GetRequiredService<CertificateAuthorities>();
            var wanted = parse.GetValue(name);
            var ca = wanted is null ? await cas.FindDefaultAsync(ct) : await cas.FindByNameAsync(wanted, ct);
            if (ca is null)
                return AdminCli.Fail(wanted is null ? "no default CA exists" : $"no CA is named '{wanted}'");
            Console.Write(await cli.App.Services.GetRequiredService<CertificateAuthorityAdmin>().ExportChainPemAsync(ca, ct));
            return 0;
        });

        var rolloverName = new Argument<string?>("NAME") { Description = "The root CA to roll over (the default CA when omitted).", Arity = ArgumentArity.ZeroOrOne };
        var rollover = new Command("rollover", "Roll a root CA to a new key (RFC 7030 §4.1.3): new root plus OldWithNew/NewWithOld links.") { rolloverName };
        rollover.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<CertificateAuthorityAdmin>().RolloverAsync(parse.GetValue(rolloverName), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result.Error!);
            Console.WriteLine($"Rolled over to '{result.Value!.Name}' ({result.Value.Sha256Thumbprint}); /cacerts now carries the new root and both link certificates.");
            return 0;
        });

        return new Command("ca", "Certificate authorities.") { list, export, rollover };
    }
}
