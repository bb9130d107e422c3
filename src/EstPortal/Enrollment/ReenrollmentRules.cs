using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Enrollment;

/// <summary>RFC 7030 §4.2.2: a re-enrollment keeps the identity of the certificate it renews.</summary>
public static class ReenrollmentRules
{
    /// <summary>Null when the CSR may renew <paramref name="current"/>; otherwise the reason it may not.</summary>
    public static string? Check(X509Certificate2 current, CertificateRequest csr)
    {
        // "the Subject field and SubjectAltName extension MUST be identical to the corresponding fields in the
        // certificate being renewed or rekeyed" (RFC 7030 §4.2.2). Compared as DER, which is what identical means.
        if (!current.SubjectName.RawData.AsSpan().SequenceEqual(csr.SubjectName.RawData))
            return $"re-enrollment must keep the Subject '{current.Subject}' (the CSR asks for '{csr.SubjectName.Name}')";

        var currentSan = SanOf(current.Extensions);
        var requestedSan = SanOf(csr.CertificateExtensions);
        if (!SanEquals(currentSan, requestedSan))
            return "re-enrollment must keep the SubjectAltName of the current certificate";
        return null;
    }

    private static byte[]? SanOf(IEnumerable<X509Extension> extensions) =>
        extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17")?.RawData;

    private static bool SanEquals(byte[]? a, byte[]? b) =>
        (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            _ => a.AsSpan().SequenceEqual(b),
        };
}
