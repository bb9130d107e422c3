using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Ocsp;

namespace EstPortal.Pki;

/// <summary>Decodes an OCSPRequest completely, so that nothing after this step can fail on malformed input.</summary>
internal static class OcspRequestParser
{
    /// <summary>RFC 8954 §2.1: a nonce is 1 to 32 octets; a responder MUST reject others with malformedRequest.</summary>
    public const int MaxNonceLength = 32;

    public static ParsedOcspRequest? TryParse(byte[] der, out string? error)
    {
        ArgumentNullException.ThrowIfNull(der);
        try
        {
            var request = new OcspReq(der);
            var certIds = request.GetRequestList().Select(r => Touch(r.GetCertID())).ToList();
            if (certIds.Count == 0)
            {
                error = "the request lists no certificates";
                return null;
            }

            var nonce = request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
            if (nonce is not null && NonceLength(nonce.Value.GetOctets()) is 0 or > MaxNonceLength)
            {
                error = $"the nonce must be 1..{MaxNonceLength} octets (RFC 8954 §2.1)";
                return null;
            }

            error = null;
            return new ParsedOcspRequest(certIds, nonce);
        }
        // BouncyCastle reports malformed ASN.1 through many exception types (IOException, ArgumentException,
        // InvalidCastException, InvalidOperationException...). Only decoding runs inside this try, so any failure
        // here is the client's bytes, which RFC 6960 §2.3 answers with malformedRequest rather than an error.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = $"the request is not a valid DER OCSPRequest ({ex.GetType().Name})";
            return null;
        }
    }

    /// <summary>BouncyCastle decodes CertID fields lazily; read them all here so bad encodings surface as malformed.</summary>
    private static CertificateID Touch(CertificateID id)
    {
        _ = id.HashAlgOid;
        _ = id.GetIssuerNameHash();
        _ = id.GetIssuerKeyHash();
        _ = id.SerialNumber;
        return id;
    }

    private static int NonceLength(byte[] extnValue)
    {
        // RFC 6960 §4.4.1 wraps the nonce in an OCTET STRING inside extnValue. Some older clients put the raw bytes
        // there instead; measure those as they are rather than refuse them.
        try
        {
            return Asn1OctetString.GetInstance(Asn1Object.FromByteArray(extnValue)).GetOctets().Length;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException)
        {
            return extnValue.Length;
        }
    }
}
