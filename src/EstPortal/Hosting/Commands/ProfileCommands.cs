using System.CommandLine;
using System.Text.Json;
using EstPortal.Admin;
using EstPortal.Policy;

namespace EstPortal.Hosting.Commands;

internal static class ProfileCommands
{
    public static Command Create(AdminCli cli)
    {
        var listOutput = CommandOutput.Option();
        var list = new Command("list", "List enrollment profiles and their EST paths.") { listOutput };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var profiles = await cli.App.Services.GetRequiredService<ProfileAdmin>().ListAsync(ct);
            CommandOutput.List(parse.GetValue(listOutput), profiles.Select(p => new ProfileListRow(p.Name, p.Label, PathOf(p.Label), p.CaName, p.IsDefault, p.RequiresApproval)),
                p => $"{p.Name}\t{p.Path}\tCA={p.Ca}\tapproval={(p.RequiresApproval ? "yes" : "no")}");
            return 0;
        });

        var showName = new Argument<string>("NAME");
        var showOutput = CommandOutput.Option();
        var show = new Command("show", "Show a profile and its policy (JSON).") { showName, showOutput };
        show.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var profile = await cli.App.Services.GetRequiredService<ProfileAdmin>().FindAsync(parse.GetRequiredValue(showName), ct);
            if (profile is null)
                return AdminCli.NotFound($"no profile is named '{parse.GetRequiredValue(showName)}'");
            CommandOutput.One(parse.GetValue(showOutput),
                new ProfileShowRow(profile.Name, profile.Label, PathOf(profile.Label), profile.CaName, profile.IsDefault, profile.RequiresApproval,
                    profile.WrapBase64Lines, profile.Policy),
                p =>
                {
                    Console.WriteLine($"name: {p.Name}");
                    Console.WriteLine($"path: {p.Path}");
                    Console.WriteLine($"ca: {p.Ca}");
                    Console.WriteLine($"requires approval: {(p.RequiresApproval ? "yes" : "no")}");
                    Console.WriteLine($"base64 line breaks: {(p.WrapBase64Lines ? "64 characters (libest)" : "none (RFC 8951)")}");
                    Console.WriteLine("policy:");
                    Console.WriteLine(JsonSerializer.Serialize(p.Policy, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                });
            return 0;
        });

        var setName = new Argument<string>("NAME");
        var setApproval = new Option<bool?>("--require-approval") { Description = "true or false." };
        var setWrap = new Option<bool?>("--wrap-base64") { Description = "true or false." };
        var setPolicy = new Option<FileInfo?>("--policy") { Description = "A JSON policy file replacing the current policy." };
        var setAccept = AcceptOption();
        var set = new Command("set", "Change a profile's approval switch, base64 wrapping or policy.") { setName, setApproval, setWrap, setPolicy, setAccept };
        var setIdevid = new IdevidProfileOptions();
        setIdevid.AddTo(set);
        var setTpm = new TpmProfileOptions();
        setTpm.AddTo(set);
        set.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            var profiles = cli.App.Services.GetRequiredService<ProfileAdmin>();
            var current = await profiles.FindAsync(parse.GetRequiredValue(setName), ct);
            if (current is null)
                return AdminCli.NotFound($"no profile is named '{parse.GetRequiredValue(setName)}'");
            CsrPolicy policy;
            try
            {
                policy = parse.GetValue(setPolicy) is { } file ? CsrPolicy.FromJson(await File.ReadAllTextAsync(file.FullName, ct)) : current.Policy;
                if (parse.GetValue(setAccept) is { Length: > 0 } accepted)
                    policy = policy with { AcceptReenrollmentFrom = accepted.Where(a => a.Length > 0).ToList() };
                policy = setIdevid.Apply(parse, policy);
                policy = setTpm.Apply(parse, policy);
            }
            catch (Exception ex) when (ex is JsonException or IOException or FormatException)
            {
                return AdminCli.Fail(ex.Message);
            }
            var result = await profiles.UpdateAsync(current.Name, policy, parse.GetValue(setApproval) ?? current.RequiresApproval,
                parse.GetValue(setWrap) ?? current.WrapBase64Lines, "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Profile '{current.Name}' updated.");
            return 0;
        });

        return new Command("profile", "Enrollment profiles (RFC 7030 §3.2.2 labels).") { AddCommand(cli), list, show, set };
    }

    private static Command AddCommand(AdminCli cli)
    {
        var name = new Argument<string>("NAME");
        var label = new Option<string?>("--label") { Description = "The EST label (/.well-known/est/LABEL/...)." };
        var ca = new Option<string?>("--ca") { Description = "Issuing CA (the default CA when omitted)." };
        var policyFile = new Option<FileInfo?>("--policy") { Description = "A JSON policy file (as `profile show` prints); flags below override it." };
        var approval = new Option<bool>("--require-approval") { Description = "Hold requests for an operator (202 + Retry-After)." };
        var wrap = new Option<bool>("--wrap-base64") { Description = "Answer base64 in 64-character lines (for libest clients)." };
        var noRsa = new Option<bool>("--no-rsa") { Description = "Refuse RSA keys." };
        var minRsa = new Option<int?>("--min-rsa") { Description = "Minimum RSA key size (default 2048)." };
        var curves = new Option<string?>("--curves") { Description = "Allowed EC curves, e.g. P-256,P-384." };
        var cnPattern = new Option<string?>("--cn-pattern") { Description = "Regex the CN must match; {device} is the device name." };
        var require = new Option<string?>("--require-subject") { Description = "Subject attributes the CSR must carry, e.g. CN,O." };
        var fixedValues = new Option<string[]>("--fixed") { Description = "A subject attribute the CA sets, e.g. O=Acme (repeatable).", AllowMultipleArgumentsPerToken = false };
        var sanTypes = new Option<string?>("--san-types") { Description = "Allowed SAN types: dns,ip,uri,email." };
        var sanMax = new Option<int?>("--san-max") { Description = "Maximum number of SANs." };
        var sanRequired = new Option<bool>("--san-required") { Description = "A SAN must be present." };
        var validity = new Option<int?>("--validity-days") { Description = "Certificate validity (default 365)." };
        var auth = new Option<string?>("--auth") { Description = "Accepted authentication: credential,token,certificate." };
        var pop = new Option<bool>("--pop-linking") { Description = "Require tls-unique in challengePassword (RFC 7030 §3.5; TLS 1.2)." };
        var changeSubject = new Option<bool>("--allow-change-subject") { Description = "Re-enrollment may change Subject/SAN with ChangeSubjectName (RFC 6402)." };
        var keygen = new Option<string?>("--serverkeygen-key") { Description = "Key type for /serverkeygen: EC-P256, EC-P384, RSA-2048, RSA-3072, RSA-4096." };
        var keygenEncrypt = new Option<bool>("--serverkeygen-encrypt") { Description = "Always encrypt server-generated keys to the client's TLS certificate." };
        var eku = new Option<string?>("--eku") { Description = "clientAuth (default), serverAuth or both." };
        var accept = AcceptOption();

        var add = new Command("add", "Create an enrollment profile.")
        {
            name, label, ca, policyFile, approval, wrap, noRsa, minRsa, curves, cnPattern, require, fixedValues, sanTypes, sanMax,
            sanRequired, validity, auth, pop, changeSubject, keygen, keygenEncrypt, eku, accept,
        };
        var idevid = new IdevidProfileOptions();
        idevid.AddTo(add);
        var tpm = new TpmProfileOptions();
        tpm.AddTo(add);
        add.SetAction(async (parse, ct) =>
        {
            CsrPolicy policy;
            try
            {
                policy = parse.GetValue(policyFile) is { } file ? CsrPolicy.FromJson(await File.ReadAllTextAsync(file.FullName, ct)) : CsrPolicy.Default;
                policy = policy with
                {
                    Keys = policy.Keys with
                    {
                        AllowRsa = policy.Keys.AllowRsa && !parse.GetValue(noRsa),
                        MinimumRsaBits = parse.GetValue(minRsa) ?? policy.Keys.MinimumRsaBits,
                        AllowedCurves = List(parse.GetValue(curves)) ?? policy.Keys.AllowedCurves,
                    },
                    Subject = policy.Subject with
                    {
                        CommonNamePattern = parse.GetValue(cnPattern) ?? policy.Subject.CommonNamePattern,
                        RequiredAttributes = List(parse.GetValue(require)) ?? policy.Subject.RequiredAttributes,
                        Fixed = Pairs(parse.GetValue(fixedValues)) ?? policy.Subject.Fixed,
                    },
                    SubjectAltNames = policy.SubjectAltNames with
                    {
                        AllowedTypes = List(parse.GetValue(sanTypes))?.Select(ParseSanType).ToList() ?? policy.SubjectAltNames.AllowedTypes,
                        MaxCount = parse.GetValue(sanMax) ?? policy.SubjectAltNames.MaxCount,
                        Required = policy.SubjectAltNames.Required || parse.GetValue(sanRequired),
                    },
                    ValidityDays = parse.GetValue(validity) ?? policy.ValidityDays,
                    AllowedAuthentication = List(parse.GetValue(auth)) is { } methods ? methods.Select(ParseMethod).Aggregate((a, b) => a | b) : policy.AllowedAuthentication,
                    RequireProofOfPossessionLinking = policy.RequireProofOfPossessionLinking || parse.GetValue(pop),
                    AllowChangeSubjectName = policy.AllowChangeSubjectName || parse.GetValue(changeSubject),
                    KeyPurpose = parse.GetValue(eku) is { } e ? ParsePurpose(e) : policy.KeyPurpose,
                    AcceptReenrollmentFrom = parse.GetValue(accept) is { Length: > 0 } accepted ? accepted.Where(a => a.Length > 0).ToList() : policy.AcceptReenrollmentFrom,
                    ServerKeyGeneration = policy.ServerKeyGeneration with
                    {
                        KeyType = parse.GetValue(keygen) ?? policy.ServerKeyGeneration.KeyType,
                        RequireEncryption = policy.ServerKeyGeneration.RequireEncryption || parse.GetValue(keygenEncrypt),
                    },
                };
                policy = idevid.Apply(parse, policy);
                policy = tpm.Apply(parse, policy);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or IOException)
            {
                return AdminCli.Fail(ex.Message);
            }

            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<ProfileAdmin>().AddAsync(parse.GetRequiredValue(name), parse.GetValue(label),
                parse.GetValue(ca), policy, parse.GetValue(approval), parse.GetValue(wrap), "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Profile '{result.Value!.Name}' created at {PathOf(result.Value.Label)}.");
            return 0;
        });
        return add;
    }

    /// <summary>Another profile whose certificates may authenticate (re-)enrollment under this one; an empty value clears the list.</summary>
    private static Option<string[]> AcceptOption() => new("--accept-reenrollment-from")
    {
        Description = "A profile (by name) whose device certificates may authenticate enrollment under this one (repeatable; \"\" for none).",
        AllowMultipleArgumentsPerToken = false,
    };

    private static string PathOf(string? label) => label is null ? "/.well-known/est/" : $"/.well-known/est/{label}/";

    private static List<string>? List(string? csv) =>
        csv is null ? null : csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static Dictionary<string, string>? Pairs(string[]? values) =>
        values is null || values.Length == 0
            ? null
            : values.Select(v => v.Split('=', 2)).ToDictionary(
                p => p.Length == 2 ? p[0].Trim() : throw new FormatException($"--fixed '{string.Join('=', p)}' is not NAME=VALUE"),
                p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);

    private static SubjectAltNameType ParseSanType(string text) =>
        Enum.TryParse<SubjectAltNameType>(text, ignoreCase: true, out var type) ? type : throw new FormatException($"unknown SAN type '{text}' (dns, ip, uri, email)");

    private static AuthenticationMethods ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "credential" => AuthenticationMethods.DeviceCredential,
        "token" => AuthenticationMethods.BootstrapToken,
        "certificate" => AuthenticationMethods.ClientCertificate,
        _ => throw new FormatException($"unknown authentication method '{text}' (credential, token, certificate)"),
    };

    private static KeyPurpose ParsePurpose(string text) => text.ToLowerInvariant() switch
    {
        "clientauth" or "client" => KeyPurpose.ClientAuth,
        "serverauth" or "server" => KeyPurpose.ServerAuth,
        "both" => KeyPurpose.ClientAndServerAuth,
        _ => throw new FormatException($"unknown --eku '{text}' (clientAuth, serverAuth, both)"),
    };
}

/// <summary>`profile list` row (docs/cli-output.md); label null for the default path.</summary>
internal sealed record ProfileListRow(string Name, string? Label, string Path, string Ca, bool Default, bool RequiresApproval);

/// <summary>`profile show` (docs/cli-output.md); policy as `profile add --policy` reads it.</summary>
internal sealed record ProfileShowRow(string Name, string? Label, string Path, string Ca, bool Default, bool RequiresApproval, bool WrapBase64Lines,
    CsrPolicy Policy);
