using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// RFC 7030 §4.4.1.2: a /serverkeygen CSR asks for its key to be encrypted with the AsymmetricDecryptKeyIdentifier
/// attribute (id-aa-asymmDecryptKeyID, an OCTET STRING) naming the asymmetric key the client will decrypt with. Keys
/// are named by key identifier, the value a certificate carries as its SubjectKeyIdentifier (RFC 5280 §4.2.1.2), the
/// same identifier a CMS recipient may be given by (RFC 5652 §6.2.1).
/// </summary>
public static class AsymmetricDecryptKeyIdentifier
{
    public const string Oid = "1.2.840.113549.1.9.16.2.54";

    /// <returns>Null when <paramref name="attribute"/> names <paramref name="recipient"/>'s key; otherwise why not.</returns>
    public static string? Mismatch(AsnEncodedData attribute, X509Certificate2 recipient)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        ArgumentNullException.ThrowIfNull(recipient);
        byte[] identifier;
        try
        {
            var reader = new AsnReader(attribute.RawData, AsnEncodingRules.DER);
            identifier = reader.ReadOctetString();
            reader.ThrowIfNotEmpty();
        }
        catch (AsnContentException)
        {
            return "the CSR's AsymmetricDecryptKeyIdentifier is not a DER OCTET STRING (RFC 7030 §4.4.1.2)";
        }

        var expected = KeyIdentifierOf(recipient);
        return CryptographicOperations.FixedTimeEquals(identifier, expected)
            ? null
            : $"the CSR's AsymmetricDecryptKeyIdentifier {Convert.ToHexString(identifier)} does not name the key of the TLS client certificate "
              + $"the server-generated key would be encrypted to (its key identifier is {Convert.ToHexString(expected)}; RFC 7030 §4.4.1.2)";
    }

    /// <summary>The certificate's SubjectKeyIdentifier; without one, RFC 5280 §4.2.1.2 method (1), the SHA-1 of its public key.</summary>
    private static byte[] KeyIdentifierOf(X509Certificate2 certificate) =>
        (certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(certificate.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false))
        .SubjectKeyIdentifierBytes.ToArray();
}
