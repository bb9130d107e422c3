using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Turns a client's /serverkeygen CSR into the request the CA signs. RFC 7030 §4.4.1: the CSR carries the subject and
/// subjectAltName the client wants, while its public key may be ignored; the certificate is for the key the server
/// generated. The client's CSR signature has already been verified by <see cref="CsrLoader"/>, which is what
/// authenticates the request content.
/// </summary>
public static class ServerGeneratedKeyRequest
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <returns>
    /// A request with the client CSR's subject and subjectAltName extension and the generated public key, for
    /// <see cref="IssuanceRequest.Csr"/> (the issuer only reads its public key; subject and SANs are passed
    /// separately and can come from <see cref="CertificateRequest.SubjectName"/> and
    /// <see cref="CertificateRequest.CertificateExtensions"/>).
    /// </returns>
    public static CertificateRequest Create(CertificateRequest clientCsr, GeneratedKey key)
    {
        ArgumentNullException.ThrowIfNull(clientCsr);
        ArgumentNullException.ThrowIfNull(key);

        // The hash only matters if this request were ever self-signed, which it never is (there is no proof of
        // possession to give: the server holds the key). The CA signs with its own hash.
        var request = new CertificateRequest(
            clientCsr.SubjectName, key.PublicKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var extension in clientCsr.CertificateExtensions)
        {
            if (extension.Oid?.Value == SubjectAltNameOid)
            {
                request.CertificateExtensions.Add(extension);
            }
        }

        return request;
    }
}
