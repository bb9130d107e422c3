using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>The authorityKeyIdentifier that points at a CA, for the structures it signs.</summary>
internal static class CaAuthorityKeyIdentifier
{
    public static X509AuthorityKeyIdentifierExtension For(X509Certificate2 ca)
    {
        // RFC 5280 §4.2.1.1 / §5.2.1: keyIdentifier = the issuer's subjectKeyIdentifier. A CA imported without an SKI
        // gets issuer name and serial instead, which identifies the same key unambiguously.
        var hasSubjectKeyIdentifier = ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any();
        return X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            ca,
            includeKeyIdentifier: hasSubjectKeyIdentifier,
            includeIssuerAndSerial: !hasSubjectKeyIdentifier);
    }
}
