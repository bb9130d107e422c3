namespace EstPortal.Pki;

/// <summary>
/// The certificate an OCSP client asks about, once its CertID has been matched to one of our CAs
/// (RFC 6960 §4.1.1: issuer name hash + issuer key hash + serial).
/// </summary>
/// <param name="Issuer">Our CA whose name and key hashes the CertID carries.</param>
/// <param name="SerialNumber">Big-endian DER INTEGER content, the same bytes as <c>X509Certificate2.SerialNumberBytes</c>.</param>
public sealed record CertificateIdentifier(ICaSigner Issuer, byte[] SerialNumber)
{
    /// <summary>Upper-case hex, the form the database stores (<see cref="SerialNumberGenerator.ToHex"/>).</summary>
    public string SerialHex => SerialNumberGenerator.ToHex(SerialNumber);
}
