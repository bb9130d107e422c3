using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Writes and signs an X.509 v3 certificate (RFC 5280 §4.1) with the BCL's <see cref="AsnWriter"/>, returning its DER.
/// <see cref="CertificateRequest.Create(X500DistinguishedName, X509SignatureGenerator, DateTimeOffset, DateTimeOffset, ReadOnlySpan{byte})"/>
/// writes the same TBSCertificate (a test holds the two byte for byte) but then decodes what it signed into an
/// <see cref="X509Certificate2"/>: OpenSSL's d2i_X509, which on OpenSSL 3 runs the key decoders under global locks and
/// was the largest single cost of an enrollment (ADR 0010). Device certificates are only stored and sent, so the
/// decoding is skipped; whoever needs the object decodes it (<see cref="IssuedCertificateResult.Certificate"/>).
/// </summary>
internal static class CertificateEncoder
{
    private static readonly Asn1Tag Version = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Extensions = new(TagClass.ContextSpecific, 3, isConstructed: true);

    // RFC 5280 §4.1.2.5: UTCTime for dates through 2049, GeneralizedTime from 2050.
    private static readonly DateTimeOffset GeneralizedTimeFrom = new(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="serialNumber">Big-endian, positive and minimal (as <see cref="SerialNumberGenerator"/> makes them).</param>
    /// <param name="subjectPublicKeyInfo">The subject's SubjectPublicKeyInfo DER.</param>
    /// <exception cref="ArgumentException">Two extensions share an OID, or the validity is inverted.</exception>
    public static byte[] Sign(
        X500DistinguishedName issuer,
        X509SignatureGenerator generator,
        HashAlgorithmName hashAlgorithm,
        ReadOnlySpan<byte> serialNumber,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        X500DistinguishedName subject,
        ReadOnlySpan<byte> subjectPublicKeyInfo,
        IReadOnlyList<X509Extension> extensions)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(extensions);
        if (serialNumber.IsEmpty)
            throw new ArgumentException("the serial number is empty", nameof(serialNumber));
        if (notAfter < notBefore)
            throw new ArgumentException("notAfter is earlier than notBefore", nameof(notAfter));
        EnsureUnique(extensions);

        var signatureAlgorithm = generator.GetSignatureAlgorithmIdentifier(hashAlgorithm);
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            // version v3 (value 2): there are extensions (§4.1.2.1).
            using (tbs.PushSequence(Version))
                tbs.WriteInteger(2);
            // Unsigned, as CertificateRequest reads it: leading zero octets dropped, a 0x00 added when the top bit is set.
            var significant = serialNumber.TrimStart((byte)0);
            tbs.WriteIntegerUnsigned(significant.IsEmpty ? serialNumber[^1..] : significant);
            tbs.WriteEncodedValue(signatureAlgorithm);
            tbs.WriteEncodedValue(issuer.RawData);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, notBefore);
                WriteTime(tbs, notAfter);
            }
            tbs.WriteEncodedValue(subject.RawData);
            tbs.WriteEncodedValue(subjectPublicKeyInfo);
            if (extensions.Count > 0)
            {
                using (tbs.PushSequence(Extensions))
                using (tbs.PushSequence())
                {
                    foreach (var extension in extensions)
                        WriteExtension(tbs, extension);
                }
            }
        }

        var tbsDer = tbs.Encode();
        var signature = generator.SignData(tbsDer, hashAlgorithm);

        var certificate = new AsnWriter(AsnEncodingRules.DER, initialCapacity: tbsDer.Length + signatureAlgorithm.Length + signature.Length + 16);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(tbsDer);
            certificate.WriteEncodedValue(signatureAlgorithm);
            certificate.WriteBitString(signature);
        }
        return certificate.Encode();
    }

    private static void WriteTime(AsnWriter writer, DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        if (utc < GeneralizedTimeFrom)
            writer.WriteUtcTime(utc);
        else
            writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
    }

    // Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } — DER leaves a
    // default value out, so "not critical" is written by omission.
    private static void WriteExtension(AsnWriter writer, X509Extension extension)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(extension.Oid!.Value!);
            if (extension.Critical)
                writer.WriteBoolean(true);
            writer.WriteOctetString(extension.RawData);
        }
    }

    // RFC 5280 §4.2: a certificate must not include more than one instance of a particular extension.
    private static void EnsureUnique(IReadOnlyList<X509Extension> extensions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in extensions)
        {
            var oid = extension.Oid?.Value ?? throw new ArgumentException("an extension has no OID", nameof(extensions));
            if (!seen.Add(oid))
                throw new ArgumentException($"extension {oid} appears more than once", nameof(extensions));
        }
    }
}
