using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;

namespace EstPortal.Enrollment;

/// <summary>
/// A held CSR decoded for the operator who approves it: what the certificate asks to say (subject, SANs), the key,
/// every extension and attribute it requests, and the SHA-256 of the exact bytes that approval will issue.
/// </summary>
public sealed record PendingCsrView(
    string Subject,
    IReadOnlyList<string> SubjectAlternativeNames,
    string Key,
    IReadOnlyList<string> RequestedExtensions,
    IReadOnlyList<string> Attributes,
    string CsrSha256)
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>The decoded CSR, or null when the stored bytes are not a PKCS#10 request.</summary>
    public static PendingCsrView? Decode(byte[] der)
    {
        CertificateRequest csr;
        try
        {
            // The signature was verified when the request arrived; this only shows what it holds. Extensions are loaded
            // so that the operator sees every one the device asked for, honoured by policy or not.
            csr = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions | CertificateRequestLoadOptions.SkipSignatureValidation);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException or System.Formats.Asn1.AsnContentException)
        {
            return null;
        }

        var sans = csr.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAltNameOid)
            .SelectMany(e => GeneralNamesReader.TryRead(e.RawData) is { } names
                ? names.Select(n => n.Type is { } type ? $"{Prefix(type)}:{n.Value}" : n.Kind)
                : ["(unreadable subjectAltName)"])
            .ToList();
        var extensions = csr.CertificateExtensions
            .Select(e => $"{Name(e.Oid)}{(e.Critical ? " (critical)" : "")}")
            .ToList();
        var attributes = csr.OtherRequestAttributes.Select(a => Name(a.Oid)).ToList();
        return new PendingCsrView(csr.SubjectName.Name, sans, KeyDescription.Of(csr.PublicKey).ToString(), extensions, attributes,
            Convert.ToHexStringLower(SHA256.HashData(der)));
    }

    // As openssl prints them.
    private static string Prefix(SubjectAltNameType type) => type switch
    {
        SubjectAltNameType.Dns => "DNS",
        SubjectAltNameType.Ip => "IP",
        SubjectAltNameType.Uri => "URI",
        _ => "email",
    };

    private static string Name(Oid? oid) =>
        oid?.FriendlyName is { Length: > 0 } name ? $"{name} ({oid.Value})" : oid?.Value ?? "?";
}
