using EstPortal.Pki;
using EstPortal.Policy;

namespace EstPortal.Enrollment;

internal static class KeyPurposes
{
    public static CertificatePurpose ToCertificatePurpose(this KeyPurpose purpose) => purpose switch
    {
        KeyPurpose.ServerAuth => CertificatePurpose.ServerAuth,
        KeyPurpose.ClientAndServerAuth => CertificatePurpose.ClientAndServerAuth,
        _ => CertificatePurpose.ClientAuth,
    };
}
