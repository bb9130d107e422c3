using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Tpm;

/// <summary>
/// Checks that an EK certificate chains to one of a profile's TPM vendor roots (trust anchors of purpose TpmEndorsement):
/// full path validation at the current time, the anchors as the only roots, intermediates from the device's upload. No
/// revocation check: TPM vendors publish no reachable CRLs for EK certificates as a rule (the ADR says so).
/// </summary>
public static class EndorsementKeyCertificate
{
    /// <summary>Null when it chains; otherwise why not.</summary>
    public static string? CheckChain(X509Certificate2 ek, IEnumerable<byte[]> anchors, IEnumerable<X509Certificate2> intermediates, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (var anchor in anchors)
            chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(anchor));
        foreach (var intermediate in intermediates)
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        try
        {
            if (chain.Build(ek))
                return null;
            var problems = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
            return "the EK certificate does not chain to a TPM vendor root this profile accepts (" + string.Join("; ", problems) + ")";
        }
        finally
        {
            foreach (var certificate in chain.ChainPolicy.CustomTrustStore)
                certificate.Dispose();
        }
    }

    /// <summary>Upper-case hex SHA-256 of the SubjectPublicKeyInfo, the form IssuedCertificate.PublicKeySha256 uses.</summary>
    public static string KeySha256(byte[] subjectPublicKeyInfo) => Convert.ToHexString(SHA256.HashData(subjectPublicKeyInfo));
}
