using EstPortal.Components.Account;
using Microsoft.Extensions.Options;

namespace EstPortal.Hosting;

/// <summary>Settings under <c>EstPortal</c>. Validated at start-up: a bad value stops the app with a clear message.</summary>
public sealed class EstPortalOptions
{
    public const string Section = "EstPortal";

    /// <summary>Where the SQLite database, the TLS certificate and (by default) the key-encryption key live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// PKCS#12 file holding the key that encrypts the Data Protection key ring (which in turn encrypts CA keys).
    /// Defaults to a file inside the data directory; operators should point it at a mounted secret elsewhere.
    /// </summary>
    public string? KeyEncryptionKeyPath { get; set; }

    /// <summary>Extra DNS names or IP addresses for the generated TLS server certificate (localhost and loopback are always in).</summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>Validity of certificates issued to devices.</summary>
    public int CertificateValidityDays { get; set; } = 365;

    /// <summary>The realm in the <c>WWW-Authenticate</c> challenges (Basic and Bearer) on EST 401 answers.</summary>
    public string Realm { get; set; } = "EstPortal EST";

    /// <summary>
    /// Which of the two 401 challenges comes first: <c>Basic</c> or <c>Bearer</c>. Clients that choose (curl, browsers)
    /// ignore the order; libest's client follows only the first <c>WWW-Authenticate</c> header, so a fleet enrolling with
    /// <c>estclient --auth-token</c> needs <c>Bearer</c> here.
    /// </summary>
    public string FirstChallenge { get; set; } = "Basic";

    /// <summary>Largest EST request body accepted (RFC 7030 requests are a CSR: a few KiB).</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The Retry-After (seconds) of a 202 answer while a request waits for approval (RFC 7030 §4.2.3).</summary>
    public int PendingRetryAfterSeconds { get; set; } = 60;

    public RateLimitingOptions RateLimiting { get; set; } = new();

    public PortalOptions Portal { get; set; } = new();

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string ResolveKeyEncryptionKeyPath() =>
        Path.GetFullPath(KeyEncryptionKeyPath ?? Path.Combine(ResolveDataDirectory(), "keys", "key-encryption-key.pfx"));
}

/// <summary>
/// <c>EstPortal:RateLimiting</c> (ADR 0005): before authentication only per client address; failed authentication per
/// (address, user name); after authentication per credential. A stranger can therefore spend only their own budget.
/// OCSP requests are counted per client address apart, so a relying party's OCSP checks never spend the EST budget of
/// devices behind the same address.
/// </summary>
public sealed class RateLimitingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Every EST request, counted before authentication.</summary>
    public int PerClientIpPerMinute { get; set; } = 6000;

    /// <summary>Requests that authenticated, per device credential, bootstrap token or client certificate.</summary>
    public int PerCredentialPerMinute { get; set; } = 60;

    /// <summary>Failed authentications per (client address, Basic user name or bearer) before that pair is refused for the rest of the minute.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 10;

    /// <summary>OCSP requests per client address, on the Public and the EST endpoint.</summary>
    public int OcspPerClientIpPerMinute { get; set; } = 6000;
}

/// <summary><c>EstPortal:Portal</c>: how operators sign in to the portal.</summary>
public sealed class PortalOptions
{
    /// <summary>
    /// Who must set up a TOTP authenticator before reaching any portal page: <c>None</c>, <c>Admin</c> or <c>All</c>
    /// (see <see cref="TwoFactorRequirement"/>). Kept as text so a wrong value is reported by the validator, by name.
    /// </summary>
    public string RequireTwoFactor { get; set; } = nameof(TwoFactorRequirement.None);

    public TwoFactorRequirement TwoFactorRequirement =>
        TryParseRequirement(RequireTwoFactor, out var requirement) ? requirement : TwoFactorRequirement.None;

    public static bool TryParseRequirement(string? value, out TwoFactorRequirement requirement) =>
        Enum.TryParse(value, ignoreCase: true, out requirement) && Enum.IsDefined(requirement) && !char.IsAsciiDigit(value![0]);
}

internal sealed class EstPortalOptionsValidator : IValidateOptions<EstPortalOptions>
{
    public ValidateOptionsResult Validate(string? name, EstPortalOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            failures.Add("EstPortal:DataDirectory must name a directory.");
        if (options.CertificateValidityDays is < 1 or > 3650)
            failures.Add("EstPortal:CertificateValidityDays must be between 1 and 3650.");
        if (options.MaxRequestBodyBytes is < 1024 or > 10 * 1024 * 1024)
            failures.Add("EstPortal:MaxRequestBodyBytes must be between 1024 and 10485760.");
        if (options.PendingRetryAfterSeconds is < 1 or > 86400)
            failures.Add("EstPortal:PendingRetryAfterSeconds must be between 1 and 86400.");
        if (options.RateLimiting.PerClientIpPerMinute < 1 || options.RateLimiting.PerCredentialPerMinute < 1
            || options.RateLimiting.FailedAuthenticationsPerMinute < 1 || options.RateLimiting.OcspPerClientIpPerMinute < 1)
            failures.Add("EstPortal:RateLimiting limits must be at least 1 per minute.");
        if (options.FirstChallenge is not ("Basic" or "Bearer"))
            failures.Add($"EstPortal:FirstChallenge must be Basic or Bearer, not '{options.FirstChallenge}'.");
        if (string.IsNullOrWhiteSpace(options.Realm) || options.Realm.Contains('"'))
            failures.Add("EstPortal:Realm must be non-empty and contain no double quote.");
        if (!PortalOptions.TryParseRequirement(options.Portal.RequireTwoFactor, out _))
            failures.Add($"EstPortal:Portal:RequireTwoFactor is '{options.Portal.RequireTwoFactor}'; it must be None, Admin or All.");
        foreach (var host in options.HostNames)
        {
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
                failures.Add($"EstPortal:HostNames contains '{host}', which is not a DNS name or IP address.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
