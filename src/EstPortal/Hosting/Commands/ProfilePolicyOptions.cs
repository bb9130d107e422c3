using System.CommandLine;
using EstPortal.Policy;

namespace EstPortal.Hosting.Commands;

/// <summary>
/// The flags of <c>profile add</c> and <c>profile set</c> that shape a profile: its switches (approval, base64 wrapping)
/// and every part of its CSR policy. One group for both commands so they cannot drift apart. Each flag changes only its
/// own part of the policy it is applied to (the default or --policy FILE for add, the current policy for set); a flag
/// not given leaves that part alone. A switch given alone means true, and <c>false</c> turns it off again; a list given
/// as <c>""</c> empties it. Whether the result makes sense is ProfileAdmin's call (CsrPolicyValidator), not the parser's.
/// </summary>
internal sealed class ProfilePolicyOptions
{
    private readonly Option<bool?> _approval = Switch("--require-approval", "Hold requests for an operator (202 + Retry-After; RFC 7030 §4.2.3). Default false.");
    private readonly Option<bool?> _wrap = Switch("--wrap-base64", "Answer base64 in 64-character lines (for libest clients). Default false: no line breaks (RFC 8951).");
    private readonly Option<bool?> _noRsa = Switch("--no-rsa", "Refuse RSA keys (--no-rsa false allows them again). Default: RSA allowed.");
    private readonly Option<int?> _minRsa = new("--min-rsa") { Description = "Minimum RSA key size, 2048-16384. Default 2048." };
    private readonly Option<string?> _curves = new("--curves") { Description = "Allowed EC curves, e.g. P-256,P-384 (\"\" for none). Default P-256,P-384." };
    private readonly Option<string?> _cnPattern = new("--cn-pattern") { Description = "Regex the whole CN must match; {device} is the device name (\"\" for none). Default none." };
    private readonly Option<string?> _require = new("--require-subject") { Description = "Subject attributes the CSR must carry, e.g. CN,O (\"\" for none). Default none." };
    private readonly Option<string[]> _fixed = new("--fixed")
    {
        Description = "A subject attribute the CA sets, e.g. O=Acme (repeatable; replaces the list; \"\" for none). Default none.",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<string?> _sanTypes = new("--san-types") { Description = "Allowed SAN types: dns,ip,uri,email (\"\" for none). Default dns,ip." };
    private readonly Option<int?> _sanMax = new("--san-max") { Description = "Maximum number of SANs, 1-100. Default 10." };
    private readonly Option<bool?> _sanRequired = Switch("--san-required", "A SAN must be present. Default false.");
    private readonly Option<int?> _validity = new("--validity-days") { Description = "Certificate validity in days, 1-3650. Default 365." };
    private readonly Option<string?> _auth = new("--auth") { Description = "Accepted authentication: credential,token,certificate. Default all three." };
    private readonly Option<bool?> _pop = Switch("--pop-linking", "Require tls-unique in challengePassword (RFC 7030 §3.5; TLS 1.2). Default false.");
    private readonly Option<bool?> _changeSubject = Switch("--allow-change-subject", "Re-enrollment may change Subject/SAN with ChangeSubjectName (RFC 6402 §2.11). Default false.");
    private readonly Option<string?> _keygen = new("--serverkeygen-key") { Description = "Key type for /serverkeygen: EC-P256, EC-P384, RSA-2048, RSA-3072, RSA-4096. Default EC-P256." };
    private readonly Option<bool?> _keygenEncrypt = Switch("--serverkeygen-encrypt", "Always encrypt server-generated keys to the client's TLS certificate (RFC 7030 §4.4.2). Default false.");
    private readonly Option<string?> _eku = new("--eku") { Description = "Extended key usage: clientAuth, serverAuth or both. Default clientAuth." };
    private readonly Option<string[]> _accept = new("--accept-reenrollment-from")
    {
        Description = "A profile (by name) whose device certificates may authenticate enrollment under this one (repeatable; \"\" for none). Default none.",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly IdevidProfileOptions _idevid = new();
    private readonly TpmProfileOptions _tpm = new();

    private static Option<bool?> Switch(string name, string description) =>
        new(name) { Description = $"{description} The flag alone is true.", Arity = ArgumentArity.ZeroOrOne };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
                 {
                     _approval, _wrap, _noRsa, _minRsa, _curves, _cnPattern, _require, _fixed, _sanTypes, _sanMax, _sanRequired, _validity, _auth,
                     _pop, _changeSubject, _keygen, _keygenEncrypt, _eku, _accept,
                 })
            command.Options.Add(option);
        _idevid.AddTo(command);
        _tpm.AddTo(command);
    }

    /// <summary>The approval switch as given, or <paramref name="current"/> when the flag is absent.</summary>
    public bool RequiresApproval(ParseResult parse, bool current) => SwitchValue(parse, _approval) ?? current;

    /// <summary>The base64 wrapping switch as given, or <paramref name="current"/> when the flag is absent.</summary>
    public bool WrapBase64Lines(ParseResult parse, bool current) => SwitchValue(parse, _wrap) ?? current;

    /// <summary>The policy with what the flags say; what they do not mention stays. Throws FormatException on a bad value.</summary>
    public CsrPolicy Apply(ParseResult parse, CsrPolicy policy)
    {
        policy = policy with
        {
            Keys = policy.Keys with
            {
                AllowRsa = SwitchValue(parse, _noRsa) is { } noRsa ? !noRsa : policy.Keys.AllowRsa,
                MinimumRsaBits = parse.GetValue(_minRsa) ?? policy.Keys.MinimumRsaBits,
                AllowedCurves = List(parse.GetValue(_curves)) ?? policy.Keys.AllowedCurves,
            },
            Subject = policy.Subject with
            {
                CommonNamePattern = parse.GetValue(_cnPattern) is { } cn ? (cn.Length == 0 ? null : cn) : policy.Subject.CommonNamePattern,
                RequiredAttributes = List(parse.GetValue(_require)) ?? policy.Subject.RequiredAttributes,
                Fixed = Pairs(parse.GetValue(_fixed)) ?? policy.Subject.Fixed,
            },
            SubjectAltNames = policy.SubjectAltNames with
            {
                AllowedTypes = List(parse.GetValue(_sanTypes))?.Select(ParseSanType).ToList() ?? policy.SubjectAltNames.AllowedTypes,
                MaxCount = parse.GetValue(_sanMax) ?? policy.SubjectAltNames.MaxCount,
                Required = SwitchValue(parse, _sanRequired) ?? policy.SubjectAltNames.Required,
            },
            ValidityDays = parse.GetValue(_validity) ?? policy.ValidityDays,
            // An empty list is None, which the validator refuses with its own message.
            AllowedAuthentication = List(parse.GetValue(_auth)) is { } methods
                ? methods.Select(ParseMethod).Aggregate(AuthenticationMethods.None, (a, b) => a | b)
                : policy.AllowedAuthentication,
            RequireProofOfPossessionLinking = SwitchValue(parse, _pop) ?? policy.RequireProofOfPossessionLinking,
            AllowChangeSubjectName = SwitchValue(parse, _changeSubject) ?? policy.AllowChangeSubjectName,
            KeyPurpose = parse.GetValue(_eku) is { } eku ? ParsePurpose(eku) : policy.KeyPurpose,
            AcceptReenrollmentFrom = parse.GetValue(_accept) is { Length: > 0 } accepted ? accepted.Where(a => a.Length > 0).ToList() : policy.AcceptReenrollmentFrom,
            ServerKeyGeneration = policy.ServerKeyGeneration with
            {
                KeyType = parse.GetValue(_keygen) ?? policy.ServerKeyGeneration.KeyType,
                RequireEncryption = SwitchValue(parse, _keygenEncrypt) ?? policy.ServerKeyGeneration.RequireEncryption,
            },
        };
        policy = _idevid.Apply(parse, policy);
        return _tpm.Apply(parse, policy);
    }

    /// <summary>Null when the flag is absent, true when it stands alone, else its value.</summary>
    private static bool? SwitchValue(ParseResult parse, Option<bool?> option) =>
        parse.GetResult(option) is null ? null : parse.GetValue(option) ?? true;

    private static List<string>? List(string? csv) =>
        csv is null ? null : csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static Dictionary<string, string>? Pairs(string[]? values) =>
        values is null || values.Length == 0
            ? null
            : values.Where(v => v.Length > 0).Select(v => v.Split('=', 2)).ToDictionary(
                p => p.Length == 2 ? p[0].Trim() : throw new FormatException($"--fixed '{string.Join('=', p)}' is not NAME=VALUE"),
                p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);

    private static SubjectAltNameType ParseSanType(string text) =>
        Enum.TryParse<SubjectAltNameType>(text, ignoreCase: true, out var type) && Enum.IsDefined(type)
            ? type
            : throw new FormatException($"unknown SAN type '{text}' (dns, ip, uri, email)");

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
