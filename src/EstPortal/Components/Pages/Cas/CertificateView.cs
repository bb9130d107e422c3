using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Components.Shared;
using EstPortal.Pki;

namespace EstPortal.Components.Pages.Cas;

/// <summary>What the CA page shows of one certificate; public data only.</summary>
public sealed record CertificateView(string Subject, string Issuer, string Serial, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string Sha1, string Sha256, string KeyAlgorithm, string Constraints, string KeyUsage, bool SelfSigned)
{
    public static CertificateView From(X509Certificate2 certificate)
    {
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() switch
        {
            null => "none",
            { CertificateAuthority: false } => "CA:FALSE",
            { HasPathLengthConstraint: true } b => $"CA:TRUE, pathlen:{b.PathLengthConstraint}",
            _ => "CA:TRUE",
        };
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages.ToString() ?? "none";
        return new(certificate.Subject, certificate.Issuer, certificate.SerialNumber,
            certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(),
            CertificateFormat.Fingerprint(Convert.ToHexString(SHA1.HashData(certificate.RawData))),
            CertificateFormat.Fingerprint(Convert.ToHexString(SHA256.HashData(certificate.RawData))),
            CaImport.DescribeKey(certificate), constraints, usage,
            certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData));
    }
}
