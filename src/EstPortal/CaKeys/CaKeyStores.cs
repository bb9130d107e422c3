namespace EstPortal.CaKeys;

/// <summary>Where a CA key may live; the value is stored per CA (CertificateAuthorities.KeyStore).</summary>
public static class CaKeyStores
{
    /// <summary>In the database as PKCS#8 encrypted with Data Protection; signs in process.</summary>
    public const string Software = "software";

    /// <summary>Generated in and never leaving a PKCS#11 token; the database holds only a pkcs11: URI (RFC 7512).</summary>
    public const string Pkcs11 = "pkcs11";

    public static readonly IReadOnlyList<string> All = [Software, Pkcs11];

    /// <summary>For lists and the CLI: "software" or "HSM (PKCS#11)".</summary>
    public static string Describe(string store) => store == Pkcs11 ? "HSM (PKCS#11)" : "software";
}
