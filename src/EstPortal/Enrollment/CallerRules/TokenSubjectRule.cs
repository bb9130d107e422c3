using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using EstPortal.Pki;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>A bootstrap token may be limited to CSRs whose CN matches a pattern, so a leaked token enrolls nothing else.</summary>
public sealed class TokenSubjectRule : ICallerRule
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

    public string Name => "token-subject";
    public bool NeedsCsr => true;

    public CallerRefusal? Check(CallerRequest request) =>
        request.Caller.TokenSubjectPattern is { } pattern && request.Csr is { } csr && !Matches(pattern, csr.SubjectName)
            ? new CallerRefusal(Name, $"the CSR's CN '{csr.SubjectName.GetCommonName()}' does not match this bootstrap token's subject pattern {pattern}")
            : null;

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
}
