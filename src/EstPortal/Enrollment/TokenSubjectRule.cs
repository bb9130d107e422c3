using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace EstPortal.Enrollment;

/// <summary>A bootstrap token may be limited to CSRs whose CN matches a pattern, so a leaked token enrolls nothing else.</summary>
public static class TokenSubjectRule
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

    public static bool Matches(string pattern, X500DistinguishedName subject)
    {
        var commonName = subject.GetCommonName();
        if (commonName is null)
            return false;
        try
        {
            return Regex.IsMatch(commonName, $"^(?:{pattern})$", RegexOptions.CultureInvariant, Timeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Null when <paramref name="pattern"/> is a usable regular expression; otherwise why not.</summary>
    public static string? Validate(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
            return pattern.Length > 512 ? "A subject pattern has at most 512 characters." : null;
        }
        catch (ArgumentException ex)
        {
            return $"The subject pattern is not a valid regular expression: {ex.Message}";
        }
    }

    public static string? GetCommonName(this X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames().Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == "2.5.4.3")
            .Select(r => r.GetSingleElementValue()).FirstOrDefault();
}
