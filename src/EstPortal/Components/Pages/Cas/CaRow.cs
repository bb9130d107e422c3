using EstPortal.Components.Shared;
using EstPortal.Data.Entities;

namespace EstPortal.Components.Pages.Cas;

public sealed record CaRow(Guid Id, string Name, string Subject, string KeyAlgorithm, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    bool IsDefault, string Fingerprint, string Kind, bool Retired, string KeyStore)
{
    public static CaRow From(CertificateAuthority ca) =>
        new(ca.Id, ca.Name, ca.Subject, ca.KeyAlgorithm, ca.NotBefore, ca.NotAfter, ca.IsDefault, CertificateFormat.Fingerprint(ca.Sha256Thumbprint),
            KindOf(ca), ca.RetiredAt is not null, EstPortal.CaKeys.CaKeyStores.Describe(ca.KeyStore));

    /// <summary>"root", "intermediate", with "imported" when it came from outside.</summary>
    public static string KindOf(CertificateAuthority ca)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.CertificateDer);
        var kind = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? "root" : "intermediate";
        return ca.Imported ? kind + ", imported" : kind;
    }
}
