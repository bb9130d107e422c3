using System.CommandLine;
using EstPortal.Policy;

namespace EstPortal.Hosting.Commands;

/// <summary>
/// The IDevID flags of <c>profile add</c> and <c>profile set</c>: which manufacturer anchors the profile accepts, where
/// the IDevID names the device, what happens to a board the fleet does not know, and whether an expired IDevID counts.
/// </summary>
internal sealed class IdevidProfileOptions
{
    private readonly Option<string[]> _trust = new("--idevid-trust")
    {
        Description = "A manufacturer trust anchor (see `trust add`) whose IDevIDs authenticate enrollment here (repeatable; \"\" for none). Default none.",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<string?> _identity = new("--idevid-identity") { Description = "Where the IDevID names the device: serialNumber (default), cn or san-uri." };
    private readonly Option<string?> _register = new("--idevid-register") { Description = "An unknown device: none (refused; default), auto (registered) or approval (pending queue)." };
    private readonly Option<bool?> _acceptExpired = new("--idevid-accept-expired") { Description = "Accept IDevIDs past their notAfter (true or false). Default false." };

    public void AddTo(Command command)
    {
        command.Options.Add(_trust);
        command.Options.Add(_identity);
        command.Options.Add(_register);
        command.Options.Add(_acceptExpired);
    }

    /// <summary>The policy with what the flags say; what they do not mention stays. Throws FormatException on a bad value.</summary>
    public CsrPolicy Apply(ParseResult parse, CsrPolicy policy)
    {
        var idevid = policy.Idevid;
        if (parse.GetValue(_trust) is { Length: > 0 } anchors)
            idevid = idevid with { TrustAnchors = anchors.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList() };
        if (parse.GetValue(_identity) is { } identity)
            idevid = idevid with { Identity = IdevidPolicy.ParseIdentity(identity) ?? throw new FormatException($"--idevid-identity '{identity}' is not serialNumber, cn or san-uri") };
        if (parse.GetValue(_register) is { } register)
            idevid = idevid with { Registration = IdevidPolicy.ParseRegistration(register) ?? throw new FormatException($"--idevid-register '{register}' is not none, auto or approval") };
        if (parse.GetValue(_acceptExpired) is { } acceptExpired)
            idevid = idevid with { AcceptExpired = acceptExpired };
        return policy with { Idevid = idevid };
    }
}
