using System.Security.Cryptography;
using EstPortal.CaKeys.Pkcs11;

namespace EstPortal.Hosting.Backup;

/// <summary>
/// What a database backup does not contain and a restore still needs (ADR 0019): the key-encryption key, kept apart
/// on purpose so a copy of the database alone reveals no CA key; the PKCS#11 token of HSM-held CA keys, which never
/// leave it; and a TLS certificate the operator configured themselves.
/// </summary>
public static class BackupCompanions
{
    public static IReadOnlyList<string> Describe(BackupContents contents, KeyEncryptionKeyLocation kek, IConfiguration configuration)
    {
        var lines = new List<string>
        {
            $"key-encryption key: {kek.Path} (certificate SHA-256 {Convert.ToHexString(SHA256.HashData(kek.Certificate)).ToLowerInvariant()}); " +
            "without it the backup's CA keys cannot be used. Store it apart from the backup.",
        };

        var inHsm = contents.CertificateAuthorities.Where(ca => ca.KeyStore == "pkcs11").Select(ca => ca.Name).ToList();
        if (inHsm.Count > 0)
        {
            var token = configuration[$"{Pkcs11Options.Section}:TokenLabel"] ?? "(EstPortal:Pkcs11:TokenLabel)";
            lines.Add($"PKCS#11 token '{token}': holds the keys of {string.Join(", ", inHsm)}; the backup only names them. Back the token up with the HSM's own tools.");
        }

        var ownCertificates = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e.GetSection("Certificate")["Path"]).OfType<string>().Distinct().ToList();
        lines.Add(ownCertificates.Count > 0
            ? $"TLS certificate files you configured: {string.Join(", ", ownCertificates)} (with their keys)."
            : "TLS certificate: nothing to keep; a restored installation re-issues it from the default CA when the stored one is missing.");
        return lines;
    }
}
