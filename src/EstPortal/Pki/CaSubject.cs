using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>Parses the subject an operator typed for a new CA.</summary>
public static class CaSubject
{
    /// <exception cref="ArgumentException">Empty or not an RFC 4514 distinguished name.</exception>
    public static X500DistinguishedName Parse(string? subjectDn)
    {
        var subject = TryParse(subjectDn, out var error);
        return subject ?? throw new ArgumentException(error, nameof(subjectDn));
    }

    /// <summary>Null when the subject can be used; otherwise why not (for inline form validation).</summary>
    public static string? Validate(string? subjectDn)
    {
        TryParse(subjectDn, out var error);
        return error;
    }

    private static X500DistinguishedName? TryParse(string? subjectDn, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(subjectDn))
        {
            error = "A CA subject must not be empty, e.g. CN=Example Issuing CA, O=Example.";
            return null;
        }
        X500DistinguishedName subject;
        try
        {
            subject = new X500DistinguishedName(subjectDn);
        }
        catch (CryptographicException)
        {
            error = $"'{subjectDn}' is not a distinguished name (RFC 4514), e.g. CN=Example Issuing CA, O=Example.";
            return null;
        }

        // RFC 5280 §4.1.2.6: a CA's subject (it becomes the issuer of everything it signs) must not be empty.
        if (subject.RawData.Length <= 2)
        {
            error = "A CA subject must not be empty, e.g. CN=Example Issuing CA, O=Example.";
            return null;
        }
        return subject;
    }
}
