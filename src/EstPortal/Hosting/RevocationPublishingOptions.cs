using Microsoft.Extensions.Options;

namespace EstPortal.Hosting;

/// <summary>
/// Where and how revocation information is published: <c>EstPortal:PublicBaseUrl</c>, <c>EstPortal:Crl</c> and
/// <c>EstPortal:Ocsp</c>. Bound from the <c>EstPortal</c> section next to <see cref="EstPortalOptions"/>.
/// </summary>
public sealed class RevocationPublishingOptions
{
    /// <summary>
    /// The base URL relying parties use to reach /crl, /ocsp and /ca (written into every device certificate's CRL
    /// Distribution Points and Authority Information Access). Defaults to <c>Kestrel:Endpoints:Public:Url</c>.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public CrlOptions Crl { get; set; } = new();

    public OcspOptions Ocsp { get; set; } = new();

    /// <summary>
    /// The public endpoint's URL as a base URL, or null when it binds a wildcard address ("*", "+", 0.0.0.0, [::]),
    /// which no relying party can fetch from: then PublicBaseUrl must be set explicitly.
    /// </summary>
    public static string? FromEndpointUrl(string? endpointUrl)
    {
        if (string.IsNullOrWhiteSpace(endpointUrl) || !Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri))
            return null;
        return uri.Host is "0.0.0.0" or "[::]" or "::" ? null : uri.GetLeftPart(UriPartial.Authority);
    }
}

/// <summary><c>EstPortal:Crl</c>: lifetime of each CRL and how early the scheduled one is replaced.</summary>
public sealed class CrlOptions
{
    /// <summary>nextUpdate − thisUpdate (RFC 5280 §5.1.2.5): how long relying parties may rely on a CRL.</summary>
    public int ValidityHours { get; set; } = 24;

    /// <summary>A new CRL is published this long before the current one's nextUpdate, so one is always current.</summary>
    public int RefreshBeforeHours { get; set; } = 12;

    public TimeSpan Validity => TimeSpan.FromHours(ValidityHours);

    public TimeSpan RefreshBefore => TimeSpan.FromHours(RefreshBeforeHours);
}

/// <summary><c>EstPortal:Ocsp</c>.</summary>
public sealed class OcspOptions
{
    /// <summary>nextUpdate − thisUpdate of each OCSP answer (RFC 6960 §4.2.2.1), also its HTTP max-age (RFC 5019 §6.2).</summary>
    public int ValidityMinutes { get; set; } = 60;

    /// <summary>More CertIDs than this in one request are answered malformedRequest (ADR 0015).</summary>
    public int MaxCertIdsPerRequest { get; set; } = Pki.OcspResponder.DefaultMaxCertIds;

    /// <summary>
    /// Memory for signed single-certificate answers kept until the certificate's status changes (ADR 0015); 0 signs
    /// every answer afresh.
    /// </summary>
    public int CacheMegabytes { get; set; } = 32;
}

internal sealed class RevocationPublishingOptionsValidator : IValidateOptions<RevocationPublishingOptions>
{
    public ValidateOptionsResult Validate(string? name, RevocationPublishingOptions options)
    {
        var failures = new List<string>();
        if (options.PublicBaseUrl is null)
        {
            failures.Add("EstPortal:PublicBaseUrl is not set and Kestrel:Endpoints:Public:Url gives no usable address (missing, or a wildcard "
                + "host); set EstPortal:PublicBaseUrl to the http(s) URL relying parties use to fetch CRLs and OCSP, e.g. http://pki.example.com.");
        }
        else if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            // RFC 5280 §4.2.1.13 / §4.2.2.1: relying parties fetch these URIs with a plain GET; no credentials or query.
            failures.Add($"EstPortal:PublicBaseUrl '{options.PublicBaseUrl}' must be an absolute http or https URL without user info, query or fragment.");
        }

        if (options.Crl.ValidityHours is < 1 or > 24 * 31)
            failures.Add("EstPortal:Crl:ValidityHours must be between 1 and 744.");
        if (options.Crl.RefreshBeforeHours < 1 || options.Crl.RefreshBeforeHours >= options.Crl.ValidityHours)
            failures.Add("EstPortal:Crl:RefreshBeforeHours must be at least 1 and less than EstPortal:Crl:ValidityHours.");
        if (options.Ocsp.ValidityMinutes is < 1 or > 7 * 24 * 60)
            failures.Add("EstPortal:Ocsp:ValidityMinutes must be between 1 and 10080.");
        if (options.Ocsp.MaxCertIdsPerRequest is < 1 or > 100)
            failures.Add("EstPortal:Ocsp:MaxCertIdsPerRequest must be between 1 and 100.");
        if (options.Ocsp.CacheMegabytes is < 0 or > 4096)
            failures.Add("EstPortal:Ocsp:CacheMegabytes must be between 0 (no cache) and 4096.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
