using System.CommandLine;
using EstPortal.Admin;
using EstPortal.CaKeys;
using EstPortal.Enrollment;
using EstPortal.Pki;

namespace EstPortal.Hosting.Commands;

internal static class CaCommands
{
    /// <summary>The --key values, named as operators write them.</summary>
    private static readonly Dictionary<string, CaKeyAlgorithm> KeyTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EC-P256"] = CaKeyAlgorithm.EcP256,
        ["EC-P384"] = CaKeyAlgorithm.EcP384,
        ["RSA-2048"] = CaKeyAlgorithm.Rsa2048,
        ["RSA-3072"] = CaKeyAlgorithm.Rsa3072,
        ["RSA-4096"] = CaKeyAlgorithm.Rsa4096,
    };

    public static Command Create(AdminCli cli)
    {
        var output = CommandOutput.Option();
        var list = new Command("list", "List certificate authorities: name, state, key algorithm, where the key lives, notAfter, subject.") { output };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var cas = await cli.App.Services.GetRequiredService<CertificateAuthorities>().ListAsync(ct);
            // Where the key lives: "software", or the pkcs11: URI of the key in the HSM.
            CommandOutput.List(parse.GetValue(output), cas.Select(ca => new CaListRow(ca.Name,
                    ca.IsDefault ? "default" : ca.RetiredAt is null ? "active" : "retired", ca.KeyAlgorithm,
                    ca.KeyStore == CaKeyStores.Pkcs11 ? ca.KeyReference! : CaKeyStores.Software,
                    CommandOutput.Utc(ca.NotBefore), CommandOutput.Utc(ca.NotAfter), ca.Subject, ca.Sha256Thumbprint)),
                ca => $"{ca.Name}\t{(ca.State == "active" ? "-" : ca.State)}\t{ca.KeyAlgorithm}\t{ca.Key}\t{ca.NotAfter:yyyy-MM-dd}\t{ca.Subject}");
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
                return AdminCli.NotFound(wanted is null ? "no default CA exists" : $"no CA is named '{wanted}'");
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
                return AdminCli.Fail(result);
            Console.WriteLine($"Rolled over to '{result.Value!.Name}' ({result.Value.Sha256Thumbprint}); /cacerts now carries the new root and both link certificates.");
            return 0;
        });

        return new Command("ca", "Certificate authorities.") { list, CreateCa(cli), Import(cli), export, rollover };
    }

    private static Command CreateCa(AdminCli cli)
    {
        var name = new Argument<string>("NAME") { Description = "The new CA's name." };
        var subject = new Option<string>("--subject") { Description = "Its distinguished name, e.g. \"CN=Example Issuing CA, O=Example\".", Required = true };
        var key = new Option<string>("--key") { Description = "EC-P256, EC-P384, RSA-2048, RSA-3072 or RSA-4096.", DefaultValueFactory = _ => "EC-P256" };
        var issuer = new Option<string?>("--issuer") { Description = "The CA that signs it (an intermediate). Default: none, a self-signed root." };
        var validity = new Option<int>("--validity-days") { Description = "Validity in days.", DefaultValueFactory = _ => 3650 };
        var pathLength = new Option<int?>("--path-length") { Description = "RFC 5280 pathLenConstraint. Default: none (no limit)." };
        var store = new Option<string>("--store") { Description = "Where the key is generated: software or pkcs11 (in the HSM).", DefaultValueFactory = _ => CaKeyStores.Software };
        var command = new Command("create", "Create a root CA, or an intermediate signed by --issuer, with a new key (in the HSM with --store pkcs11).")
        {
            name, subject, key, issuer, validity, pathLength, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            if (!KeyTypes.TryGetValue(parse.GetValue(key)!, out var algorithm))
                return AdminCli.Fail($"--key '{parse.GetValue(key)}' is not one of {string.Join(", ", KeyTypes.Keys)}");
            Guid? issuerId = null;
            if (parse.GetValue(issuer) is { } issuerName)
            {
                var found = await cli.App.Services.GetRequiredService<CertificateAuthorities>().FindByNameAsync(issuerName, ct);
                if (found is null)
                    return AdminCli.NotFound($"no CA is named '{issuerName}'");
                issuerId = found.Id;
            }
            var result = await cli.App.Services.GetRequiredService<CaProvisioning>().CreateAsync(
                new NewCaRequest(parse.GetValue(name)!, parse.GetValue(subject)!, algorithm, parse.GetValue(validity), parse.GetValue(pathLength),
                    issuerId, parse.GetValue(store)!), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            var ca = result.Value!;
            Console.WriteLine($"Created CA '{ca.Name}': {ca.Subject} ({ca.KeyAlgorithm}), key {ca.KeyReference ?? CaKeyStores.Software}, SHA-256 {ca.Sha256Thumbprint}");
            return 0;
        });
        return command;
    }

    private static Command Import(AdminCli cli)
    {
        var name = new Argument<string>("NAME") { Description = "The imported CA's name." };
        var certificate = new Option<string>("--cert") { Description = "PEM file: the CA certificate, then the certificates above it.", Required = true };
        var pkcs11Key = new Option<string?>("--pkcs11-key") { Description = "The label of the CA's private key in the HSM token. Default: none (the key comes from --key)." };
        var keyFile = new Option<string?>("--key") { Description = "PEM file with the CA's private key (a software key), instead of --pkcs11-key. Default: none." };
        var command = new Command("import", "Import a CA certificate whose key is in the HSM (--pkcs11-key LABEL) or in a PEM file (--key).")
        {
            name, certificate, pkcs11Key, keyFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var label = parse.GetValue(pkcs11Key);
            var keyPath = parse.GetValue(keyFile);
            if ((label is null) == (keyPath is null))
                return AdminCli.Fail("give the key's place: --pkcs11-key LABEL (in the HSM) or --key FILE (PEM)");
            string certificatePem, keyPem;
            try
            {
                certificatePem = await File.ReadAllTextAsync(parse.GetValue(certificate)!, ct);
                keyPem = keyPath is null ? "" : await File.ReadAllTextAsync(keyPath, ct);
            }
            catch (IOException ex)
            {
                return AdminCli.Fail(ex.Message);
            }
            var result = await cli.App.Services.GetRequiredService<CaProvisioning>().ImportAsync(
                new CaImportRequest(parse.GetValue(name)!, certificatePem, keyPath is null ? null : keyPem, null, null, label), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            var ca = result.Value!;
            Console.WriteLine($"Imported CA '{ca.Name}': {ca.Subject} ({ca.KeyAlgorithm}), key {ca.KeyReference ?? CaKeyStores.Software}, SHA-256 {ca.Sha256Thumbprint}");
            return 0;
        });
        return command;
    }
}

/// <summary>`ca list` row (docs/cli-output.md).</summary>
internal sealed record CaListRow(string Name, string State, string KeyAlgorithm, string Key, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string Subject, string Sha256Thumbprint);
