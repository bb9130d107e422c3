using System.Globalization;
using System.Text;

namespace EstPortal.Pki;

/// <summary>
/// RFC 4518 string preparation for caseIgnoreMatch, which RFC 5280 §7.1 asks for when names are compared: the value is
/// already transcoded to Unicode (the ASN.1 string type no longer matters), then mapped (characters with no meaning
/// removed, other spaces made SPACE, case folded), normalized (NFKC), and stripped of insignificant spaces (§2.6.1:
/// none at either end, one between words).
/// </summary>
public static class NamePreparation
{
    public static string Prepare(string value)
    {
        var mapped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (MapsToNothing(c))
                continue;
            mapped.Append(IsSpace(c) ? ' ' : c);
        }
        // §2.3 normalizes after case folding; folding once more afterwards catches what NFKC produced in upper case.
        var normalized = mapped.ToString().ToLowerInvariant().Normalize(NormalizationForm.FormKC).ToLowerInvariant();

        var prepared = new StringBuilder(normalized.Length);
        foreach (var word in normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (prepared.Length > 0)
                prepared.Append(' ');
            prepared.Append(word);
        }
        return prepared.ToString();
    }

    public static bool Equal(string a, string b) => string.Equals(Prepare(a), Prepare(b), StringComparison.Ordinal);

    /// <summary>RFC 4518 §2.2: soft hyphens, joiners, variation selectors, other format and control characters.</summary>
    private static bool MapsToNothing(char c) =>
        c is '\u00AD' or '\u1806' or '\u034F' or '\u200B' or '\uFFFC' or (>= '\u180B' and <= '\u180D') or (>= '\uFE00' and <= '\uFE0F')
        || (!IsSpace(c) && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format);

    /// <summary>RFC 4518 §2.2: tab, line feed, line tabulation, form feed, carriage return, NEL and separators become SPACE.</summary>
    private static bool IsSpace(char c) =>
        c is '\t' or '\n' or '\v' or '\f' or '\r' or '\u0085'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
