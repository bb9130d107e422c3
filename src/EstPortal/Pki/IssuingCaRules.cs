using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>Checks that a CA certificate may sign an end-entity certificate right now.</summary>
internal static class IssuingCaRules
{
    public static void EnsureCanIssue(X509Certificate2 ca, DateTimeOffset now)
    {
        // RFC 5280 §4.2.1.9: only a certificate asserting cA may issue; §4.2.1.3: and, if key usage is present,
        // it must include keyCertSign.
        var basicConstraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basicConstraints is not { CertificateAuthority: true })
        {
            throw new IssuanceRefusedException("the configured CA certificate is not a CA (basicConstraints cA is not set)");
        }

        var keyUsage = ca.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is not null && !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            throw new IssuanceRefusedException("the configured CA certificate may not sign certificates (no keyCertSign)");
        }

        if (now < CertificateTimes.NotBefore(ca))
        {
            throw new IssuanceRefusedException("the CA certificate is not valid yet");
        }

        if (now >= CertificateTimes.NotAfter(ca))
        {
            throw new IssuanceRefusedException("the CA certificate has expired");
        }
    }
}
