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

    /// <summary>The realm in <c>WWW-Authenticate: Basic realm="…"</c> on EST 401 answers.</summary>
    public string Realm { get; set; } = "EstPortal EST";

    /// <summary>Largest EST request body accepted (RFC 7030 requests are a CSR: a few KiB).</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The Retry-After (seconds) of a 202 answer while a request waits for approval (RFC 7030 §4.2.3).</summary>
    public int PendingRetryAfterSeconds { get; set; } = 60;

    public RateLimitingOptions RateLimiting { get; set; } = new();

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string ResolveKeyEncryptionKeyPath() =>
        Path.GetFullPath(KeyEncryptionKeyPath ?? Path.Combine(ResolveDataDirectory(), "keys", "key-encryption-key.pfx"));
}

/// <summary>
/// <c>EstPortal:RateLimiting</c>: EST requests per minute per client IP and per credential; OCSP requests per minute per
/// client IP, counted apart so a relying party's OCSP checks never spend the EST budget of devices behind the same address.
/// </summary>
public sealed class RateLimitingOptions
{
    public bool Enabled { get; set; } = true;
    public int PerClientIpPerMinute { get; set; } = 6000;
    public int PerCredentialPerMinute { get; set; } = 60;
    public int OcspPerClientIpPerMinute { get; set; } = 6000;
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
            || options.RateLimiting.OcspPerClientIpPerMinute < 1)
            failures.Add("EstPortal:RateLimiting limits must be at least 1 per minute.");
        if (string.IsNullOrWhiteSpace(options.Realm) || options.Realm.Contains('"'))
            failures.Add("EstPortal:Realm must be non-empty and contain no double quote.");
        foreach (var host in options.HostNames)
        {
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
                failures.Add($"EstPortal:HostNames contains '{host}', which is not a DNS name or IP address.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
