using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace EstPortal.Hosting;

/// <summary>
/// The TLS server certificate both endpoints present unless the operator configures their own. Issued by the
/// default CA on first start (so a device that trusts /cacerts trusts the EST endpoint), kept in the data directory
/// encrypted with Data Protection, and re-issued when it nears expiry or the configured host names change.
/// </summary>
public sealed class TlsCertificateProvider(
    IOptions<EstPortalOptions> options,
    IDataProtectionProvider dataProtection,
    TlsServerCertificateFactory factory,
    TimeProvider time,
    ILogger<TlsCertificateProvider> logger)
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private readonly IDataProtector _protector = dataProtection.CreateProtector("EstPortal.Hosting.TlsCertificate.v1");
    private X509Certificate2? _current;

    public X509Certificate2 Current =>
        _current ?? throw new InvalidOperationException("The TLS certificate has not been loaded yet.");

    private string FilePath => Path.Combine(options.Value.ResolveDataDirectory(), "tls", "server-certificate.pfx.protected");

    public IReadOnlyList<string> HostNames =>
        ["localhost", "127.0.0.1", "::1", .. options.Value.HostNames.Where(h => !string.IsNullOrWhiteSpace(h))];

    public void LoadOrIssue(ICaSigner ca)
    {
        var existing = TryLoad();
        if (existing is not null && IsStillGood(existing, ca))
        {
            _current = existing;
            return;
        }

        existing?.Dispose();
        var issued = factory.Create(ca, HostNames);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllBytes(FilePath, _protector.Protect(issued.Export(X509ContentType.Pkcs12)));
        logger.LogInformation("Issued the TLS server certificate for {HostNames}, valid until {NotAfter:u}",
            string.Join(", ", HostNames), issued.NotAfter.ToUniversalTime());
        _current = issued;
    }

    private X509Certificate2? TryLoad()
    {
        if (!File.Exists(FilePath))
            return null;
        try
        {
            return X509CertificateLoader.LoadPkcs12(_protector.Unprotect(File.ReadAllBytes(FilePath)), password: null);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            logger.LogWarning(ex, "The stored TLS certificate could not be read; issuing a new one.");
            return null;
        }
    }

    private bool IsStillGood(X509Certificate2 certificate, ICaSigner ca)
    {
        if (certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime < RenewBefore)
            return false;
        // Issued by this CA's current key: after a root key rollover the subject is the same but the key is not.
        var issuerKeyId = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
        var caKeyId = ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes;
        if (issuerKeyId is null || caKeyId is null || !issuerKeyId.Value.Span.SequenceEqual(caKeyId.Value.Span))
            return false;
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
            return false;
        var present = san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString()))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return HostNames.All(present.Contains);
    }
}
