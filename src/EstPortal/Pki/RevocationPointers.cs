using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// The extensions that tell relying parties where to check revocation and find the issuer: CRL Distribution Points
/// (RFC 5280 §4.2.1.13) and Authority Information Access (RFC 5280 §4.2.2.1). Both are non-critical, as the RFC
/// requires (AIA) and recommends (CDP).
/// </summary>
internal static class RevocationPointers
{
    public static IEnumerable<X509Extension> ExtensionsFor(IssuanceRequest request)
    {
        if (request.CrlDistributionPointUrl is { } crl)
        {
            // A single fullName URI, no reasons or cRLIssuer: the CA's one complete CRL covers every reason
            // (§4.2.1.13: the CRL at an HTTP URI is a single DER CRL).
            yield return CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(
                [Validated(crl, nameof(IssuanceRequest.CrlDistributionPointUrl))], critical: false);
        }

        var ocsp = request.OcspUrl is { } o ? Validated(o, nameof(IssuanceRequest.OcspUrl)) : null;
        var caIssuers = request.CaIssuersUrl is { } c ? Validated(c, nameof(IssuanceRequest.CaIssuersUrl)) : null;
        if (ocsp is not null || caIssuers is not null)
        {
            yield return new X509AuthorityInformationAccessExtension(
                ocsp is null ? null : [ocsp], caIssuers is null ? null : [caIssuers], critical: false);
        }
    }

    // These come from CA configuration, not from clients: a bad one is a programming or configuration error, and a
    // certificate that points relying parties at garbage must not be signed. §4.2.1.13 and §4.2.2.1 expect HTTP
    // (or LDAP) URIs.
    private static string Validated(string url, string name)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https" or "ldap"))
        {
            throw new ArgumentException($"{name} '{url}' is not an absolute http, https or ldap URL", name);
        }

        return uri.OriginalString;
    }
}
