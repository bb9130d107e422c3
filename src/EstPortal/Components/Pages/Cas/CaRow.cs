using EstPortal.Components.Shared;
using EstPortal.Data.Entities;

namespace EstPortal.Components.Pages.Cas;

public sealed record CaRow(string Name, string Subject, string KeyAlgorithm, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    bool IsDefault, string Fingerprint)
{
    public static CaRow From(CertificateAuthority ca) =>
        new(ca.Name, ca.Subject, ca.KeyAlgorithm, ca.NotBefore, ca.NotAfter, ca.IsDefault, CertificateFormat.Fingerprint(ca.Sha256Thumbprint));
}
