using System.Text.RegularExpressions;

namespace EstPortal.Components.Shared;

/// <summary>
/// Where devices reach the EST endpoint, as operators should write it into device configuration: the configured
/// <c>Kestrel:Endpoints:Est:Url</c>, with a wildcard listen address replaced by the host the operator browses to.
/// </summary>
public static partial class EstServerAddress
{
    public const string WellKnownPath = "/.well-known/est";

    private static readonly HashSet<string> WildcardHosts = ["*", "+", "0.0.0.0", "[::]"];

    /// <summary>The server root (scheme, host, port) that strongSwan's <c>--url</c> expects.</summary>
    public static string Root(IConfiguration configuration, Uri portalBase)
    {
        var configured = configuration["Kestrel:Endpoints:Est:Url"];
        var match = configured is null ? null : UrlParts().Match(configured.Trim());
        if (match is null || !match.Success)
            return portalBase.GetLeftPart(UriPartial.Authority);

        var host = match.Groups["host"].Value;
        if (WildcardHosts.Contains(host))
            host = portalBase.Host;
        return $"{match.Groups["scheme"].Value}://{host}{match.Groups["port"].Value}";
    }

    /// <summary>The RFC 7030 §3.2.2 base: operations are appended to it (…/simpleenroll).</summary>
    public static string WellKnown(IConfiguration configuration, Uri portalBase) => Root(configuration, portalBase) + WellKnownPath;

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]+\]|[^/:]+)(?<port>:\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex UrlParts();
}
