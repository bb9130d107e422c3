using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data.Entities;

namespace EstPortal.DeviceAuth;

/// <summary>An IDevID that passed validation, and the anchor it chains to.</summary>
public sealed record ValidatedIdevid(PresentedIdevid Presented, string AnchorName);

/// <summary>
/// Judges a manufacturer certificate (IEEE 802.1AR IDevID) against the trust anchors a profile accepts. Independent of
/// the transport: the HTTPS front door passes the TLS client certificate, another front door (CoAP over DTLS) can pass
/// its own. RFC 5280 §6 path validation to one of the given anchors only — no system store, no network (no AIA
/// fetching, no revocation: ADR "IDevID first enrollment") — then what a device identity certificate must be: an end
/// entity whose key may sign (digitalSignature; the TLS handshake is a signature) for client authentication.
/// </summary>
public static class ManufacturerCertificateValidator
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string AnyExtendedKeyUsageOid = "2.5.29.37.0";

    /// <summary>Null and a reason when the certificate is not an acceptable IDevID under these anchors.</summary>
    public static (ValidatedIdevid? Idevid, string? Reason) Validate(
        X509Certificate2 leaf, IReadOnlyCollection<X509Certificate2> extraChain, IReadOnlyCollection<TrustAnchor> anchors, bool acceptExpired,
        DateTimeOffset now)
    {
        var presented = PresentedIdevid.Of(leaf);
        if (anchors.Count == 0)
            return (null, "none of the profile's manufacturer trust anchors exists");
        if (leaf.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })
            return (null, "it is a CA certificate, not a device's identity");
        // RFC 5280 §4.2.1.3: the handshake's CertificateVerify is a digital signature made with this key.
        if (leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } keyUsage
            && !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
            return (null, "its key usage does not allow digitalSignature");
        // RFC 5280 §4.2.1.12: when present, the extended key usage must allow client authentication.
        if (leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } eku
            && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value is ClientAuthOid or AnyExtendedKeyUsageOid))
            return (null, "its extended key usage allows neither clientAuth nor anyExtendedKeyUsage");
        if (now < leaf.NotBefore.ToUniversalTime())
            return (null, $"it is not valid before {leaf.NotBefore.ToUniversalTime():u}");
        var expired = now >= leaf.NotAfter.ToUniversalTime();
        if (expired && !acceptExpired)
            return (null, $"it expired at {leaf.NotAfter.ToUniversalTime():u} and the profile does not accept expired IDevIDs");

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (expired)
            chain.ChainPolicy.VerificationFlags |= X509VerificationFlags.IgnoreNotTimeValid;
        var anchorCertificates = anchors.Select(a => X509CertificateLoader.LoadCertificate(a.CertificateDer)).ToList();
        try
        {
            chain.ChainPolicy.CustomTrustStore.AddRange(anchorCertificates.ToArray());
            chain.ChainPolicy.ExtraStore.AddRange(extraChain.ToArray());
            if (!chain.Build(leaf))
            {
                var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
                return (null, $"it does not chain to an accepted manufacturer anchor ({Describe(problems)})");
            }
            var root = chain.ChainElements[^1].Certificate;
            var anchor = anchors.FirstOrDefault(a => a.CertificateDer.AsSpan().SequenceEqual(root.RawData));
            return anchor is null
                ? (null, "it does not chain to an accepted manufacturer anchor")
                : (new ValidatedIdevid(presented, anchor.Name), null);
        }
        finally
        {
            foreach (var certificate in anchorCertificates)
                certificate.Dispose();
            foreach (var element in chain.ChainElements)
                element.Certificate.Dispose();
        }
    }

    private static string Describe(IReadOnlyList<X509ChainStatusFlags> problems) => problems.Count == 0
        ? "no path"
        : string.Join(", ", problems.Select(p => p switch
        {
            X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "no path to an accepted anchor",
            X509ChainStatusFlags.HasNotPermittedNameConstraint or X509ChainStatusFlags.HasExcludedNameConstraint
                or X509ChainStatusFlags.InvalidNameConstraints or X509ChainStatusFlags.HasNotSupportedNameConstraint
                or X509ChainStatusFlags.HasNotDefinedNameConstraint => "outside the anchor's name constraints",
            X509ChainStatusFlags.NotTimeValid => "a certificate in the path is outside its validity",
            X509ChainStatusFlags.NotSignatureValid => "a signature does not verify",
            X509ChainStatusFlags.InvalidBasicConstraints => "an issuer is not a CA",
            _ => p.ToString(),
        }).Distinct());
}

/// <summary>What identifies an IDevID in the audit log and on the device's page: issuer, serial, SHA-256 of the DER.</summary>
public sealed record PresentedIdevid(string Issuer, string SerialNumber, string Sha256)
{
    public static PresentedIdevid Of(X509Certificate2 certificate) =>
        new(certificate.Issuer, certificate.SerialNumber, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));

    public override string ToString() => $"IDevID issuer '{Issuer}' serial {SerialNumber} SHA-256 {Sha256}";
}
