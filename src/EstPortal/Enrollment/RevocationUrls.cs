using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.Extensions.Options;

namespace EstPortal.Enrollment;

/// <summary>
/// The URLs every device certificate carries so relying parties can check it without asking us out of band:
/// CRL Distribution Point (RFC 5280 §4.2.1.13), OCSP and caIssuers access (RFC 5280 §4.2.2.1). They name the CA by
/// its id, not its name: a root rollover gives the new CA the name, while certificates the old key signed must keep
/// pointing at the old CA's CRL and certificate.
/// </summary>
public sealed class RevocationUrls(IOptions<RevocationPublishingOptions> options)
{
    private string BaseUrl => (options.Value.PublicBaseUrl ?? throw new InvalidOperationException("EstPortal:PublicBaseUrl is not set")).TrimEnd('/');

    public string CrlUrl(Guid caId) => $"{BaseUrl}/crl/{caId:N}.crl";

    public string OcspUrl => $"{BaseUrl}/ocsp";

    public string CaIssuersUrl(Guid caId) => $"{BaseUrl}/ca/{caId:N}.crt";

    /// <summary>The same request with this CA's CDP and AIA URLs set (CertificateIssuer writes the extensions).</summary>
    public IssuanceRequest ApplyTo(IssuanceRequest request, Guid caId) => request with
    {
        CrlDistributionPointUrl = CrlUrl(caId),
        OcspUrl = OcspUrl,
        CaIssuersUrl = CaIssuersUrl(caId),
    };
}
