using System.Diagnostics.CodeAnalysis;

namespace EstPortal.Pki;

/// <summary>Names of <see cref="RevocationReason"/> as operators and tools write them.</summary>
public static class RevocationReasons
{
    private static readonly Dictionary<string, RevocationReason> ByNormalizedName =
        Enum.GetValues<RevocationReason>().ToDictionary(r => Normalize(r.ToString()), r => r);

    /// <summary>
    /// Accepts the RFC 5280 ASN.1 names ("keyCompromise", "cACompromise"), openssl's ca -crl_reason spelling, and
    /// dashed, underscored or spaced forms ("key-compromise", "KEY_COMPROMISE"), case-insensitively. Numbers are not
    /// accepted: a typo such as "7" must not silently become a reason the RFC does not define.
    /// </summary>
    public static bool TryParse(string? text, out RevocationReason reason)
    {
        reason = RevocationReason.Unspecified;
        return !string.IsNullOrWhiteSpace(text) && ByNormalizedName.TryGetValue(Normalize(text), out reason);
    }

    /// <exception cref="FormatException">The text names no RFC 5280 reason.</exception>
    public static RevocationReason Parse(string text) =>
        TryParse(text, out var reason) ? reason : throw new FormatException($"'{text}' is not an RFC 5280 revocation reason");

    /// <summary>The RFC 5280 §5.3.1 ASN.1 name, e.g. "keyCompromise" (also what openssl prints).</summary>
    public static string ToRfcName(this RevocationReason reason) => reason switch
    {
        RevocationReason.Unspecified => "unspecified",
        RevocationReason.KeyCompromise => "keyCompromise",
        RevocationReason.CACompromise => "cACompromise",
        RevocationReason.AffiliationChanged => "affiliationChanged",
        RevocationReason.Superseded => "superseded",
        RevocationReason.CessationOfOperation => "cessationOfOperation",
        RevocationReason.CertificateHold => "certificateHold",
        RevocationReason.RemoveFromCrl => "removeFromCRL",
        RevocationReason.PrivilegeWithdrawn => "privilegeWithdrawn",
        RevocationReason.AACompromise => "aACompromise",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "not an RFC 5280 revocation reason"),
    };

    /// <summary>True for the values RFC 5280 §5.3.1 defines (so an unchecked cast from a database column is caught).</summary>
    public static bool IsDefined([NotNullWhen(true)] RevocationReason? reason) =>
        reason is { } value && Enum.IsDefined(value);

    private static string Normalize(string text) =>
        string.Concat(text.Where(c => c is not ('-' or '_' or ' '))).ToUpperInvariant();
}
