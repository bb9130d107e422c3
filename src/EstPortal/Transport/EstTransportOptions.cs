using Microsoft.Extensions.Options;

namespace EstPortal.Transport;

/// <summary>
/// <c>EstPortal:Est</c>: how EST requests reach the app. Directly over TLS (the default), or from reverse proxies that
/// terminate TLS and forward the device's certificate and address in headers — trusted only from the proxies named
/// here (ADR 0017).
/// </summary>
public sealed class EstTransportOptions
{
    public const string Section = "EstPortal:Est";

    /// <summary>IP addresses and CIDR networks (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) of the reverse proxies whose headers are believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// The header a trusted proxy puts the device's TLS client certificate in: URL-encoded PEM (nginx
    /// <c>$ssl_client_escaped_cert</c>), or Envoy's <c>x-forwarded-client-cert</c> (its <c>Cert="…"</c> element).
    /// </summary>
    public string ForwardedClientCertificateHeader { get; set; } = "X-SSL-Client-Cert";
}

/// <summary>
/// Plain-HTTP EST is only for an endpoint behind TLS-terminating proxies: without a list of them, device secrets and
/// certificates would be taken from anyone over an unencrypted connection, so the app does not start.
/// </summary>
internal sealed class EstTransportOptionsValidator(IConfiguration configuration) : IValidateOptions<EstTransportOptions>
{
    public const string EstUrlSetting = "Kestrel:Endpoints:Est:Url";

    public ValidateOptionsResult Validate(string? name, EstTransportOptions options)
    {
        var failures = new List<string>();
        foreach (var entry in options.TrustedProxies)
        {
            if (!TrustedProxies.TryParseEntry(entry, out _))
                failures.Add($"EstPortal:Est:TrustedProxies contains '{entry}', which is not an IP address or a CIDR network such as 10.0.0.0/8.");
        }
        if (string.IsNullOrWhiteSpace(options.ForwardedClientCertificateHeader)
            || !options.ForwardedClientCertificateHeader.All(IsTokenChar))
            failures.Add("EstPortal:Est:ForwardedClientCertificateHeader must be an HTTP header name such as X-SSL-Client-Cert.");

        var estUrl = configuration[EstUrlSetting];
        if (estUrl is not null && estUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && options.TrustedProxies.Count == 0)
        {
            failures.Add($"{EstUrlSetting} is plain http:// ({estUrl}), but EstPortal:Est:TrustedProxies is empty. EST over plain HTTP is only "
                + "for an endpoint behind a reverse proxy that terminates TLS: name the proxies' addresses in EstPortal:Est:TrustedProxies, "
                + "or serve EST over https://.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // RFC 9110 §5.1: a field name is a token.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}

internal static class EstTransportRegistration
{
    public static void AddEstTransport(this IServiceCollection services)
    {
        services.AddOptions<EstTransportOptions>().BindConfiguration(EstTransportOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EstTransportOptions>, EstTransportOptionsValidator>();
    }
}
