using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

public static class CommonNames
{
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>The first single-valued CN of the name, or null.</summary>
    public static string? GetCommonName(this X500DistinguishedName name) => name.GetCommonNames() is [var first, ..] ? first : null;

    /// <summary>Every CN of the name (in single-valued RDNs), in order.</summary>
    public static IReadOnlyList<string> GetCommonNames(this X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames().Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == CommonNameOid)
            .Select(r => r.GetSingleElementValue()).OfType<string>().ToList();
}
