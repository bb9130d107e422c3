using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// The inner layer of an encrypted /serverkeygen key (RFC 7030 §4.4.2): a CMS SignedData (RFC 5652 §5) whose content
/// is an AsymmetricKeyPackage (RFC 5958 §2) holding the one generated key, signed by whoever generated it. Written
/// with AsnWriter and signed through an <see cref="X509SignatureGenerator"/>, so a CA key behind
/// <see cref="ICaSigner"/> (or an HSM) can sign without its private key ever being exported.
/// </summary>
internal static class SignedKeyPackage
{
    public const string SignedDataOid = "1.2.840.113549.1.7.2";

    // RFC 5958 §3 / RFC 6032: id-ct-KP-aKeyPackage.
    public const string AsymmetricKeyPackageOid = "2.16.840.1.101.2.1.2.78.5";

    private const string ContentTypeAttributeOid = "1.2.840.113549.1.9.3";
    private const string MessageDigestAttributeOid = "1.2.840.113549.1.9.4";

    /// <returns>DER SignedData (the content of a ContentInfo, not the ContentInfo itself).</returns>
    public static byte[] Create(
        byte[] pkcs8, X509Certificate2 signerCertificate, X509SignatureGenerator signatureGenerator, HashAlgorithmName hash)
    {
        var keyPackage = AsymmetricKeyPackage(pkcs8);
        try
        {
            var digest = CryptographicOperations.HashData(hash, keyPackage);
            var signedAttributes = SignedAttributes(digest);
            var signature = signatureGenerator.SignData(signedAttributes, hash);
            var signatureAlgorithm = signatureGenerator.GetSignatureAlgorithmIdentifier(hash);

            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                // RFC 5652 §5.1: version 3 because eContentType is not id-data.
                writer.WriteInteger(3);
                using (writer.PushSetOf())
                {
                    WriteDigestAlgorithm(writer, hash);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(AsymmetricKeyPackageOid);
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        writer.WriteOctetString(keyPackage);
                    }
                }

                // certificates [0] IMPLICIT: the signer's certificate, so the client can find the verification key.
                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    writer.WriteEncodedValue(signerCertificate.RawData);
                }

                using (writer.PushSetOf())
                {
                    WriteSignerInfo(writer, signerCertificate, hash, signedAttributes, signatureAlgorithm, signature);
                }
            }

            return writer.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyPackage);
        }
    }

    /// <summary>RFC 5958 §2: AsymmetricKeyPackage ::= SEQUENCE SIZE (1..MAX) OF OneAsymmetricKey; PKCS#8 v1 is a OneAsymmetricKey.</summary>
    private static byte[] AsymmetricKeyPackage(byte[] pkcs8)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(pkcs8);
        }

        return writer.Encode();
    }

    /// <summary>
    /// RFC 5652 §5.3: with an eContentType other than id-data, signedAttrs MUST be present and carry contentType and
    /// messageDigest. §5.4: the signature covers their DER encoding as a SET OF (tag 0x31).
    /// </summary>
    private static byte[] SignedAttributes(byte[] digest)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSetOf())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(ContentTypeAttributeOid);
                using (writer.PushSetOf())
                {
                    writer.WriteObjectIdentifier(AsymmetricKeyPackageOid);
                }
            }

            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(MessageDigestAttributeOid);
                using (writer.PushSetOf())
                {
                    writer.WriteOctetString(digest);
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteSignerInfo(
        AsnWriter writer,
        X509Certificate2 signer,
        HashAlgorithmName hash,
        byte[] signedAttributes,
        byte[] signatureAlgorithm,
        byte[] signature)
    {
        using (writer.PushSequence())
        {
            // RFC 5652 §5.3: version 1 with issuerAndSerialNumber, understood by every CMS implementation.
            writer.WriteInteger(1);
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(signer.IssuerName.RawData);
                writer.WriteInteger(signer.SerialNumberBytes.Span);
            }

            WriteDigestAlgorithm(writer, hash);

            // signedAttrs [0] IMPLICIT: the same contents that were signed, under the context tag.
            var tagged = (byte[])signedAttributes.Clone();
            tagged[0] = 0xA0;
            writer.WriteEncodedValue(tagged);

            // RFC 5754 §3.2 and RFC 5753 §2.1.1: sha256WithRSAEncryption / ecdsa-with-SHA* are valid SignerInfo
            // signature algorithms; the generator gives the same identifier it puts in certificates.
            writer.WriteEncodedValue(signatureAlgorithm);
            writer.WriteOctetString(signature);
        }
    }

    // RFC 5754 §2: SHA-2 AlgorithmIdentifiers are generated with absent parameters.
    private static void WriteDigestAlgorithm(AsnWriter writer, HashAlgorithmName hash)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(DigestOid(hash));
        }
    }

    private static string DigestOid(HashAlgorithmName hash)
    {
        if (hash == HashAlgorithmName.SHA256)
        {
            return "2.16.840.1.101.3.4.2.1";
        }

        if (hash == HashAlgorithmName.SHA384)
        {
            return "2.16.840.1.101.3.4.2.2";
        }

        if (hash == HashAlgorithmName.SHA512)
        {
            return "2.16.840.1.101.3.4.2.3";
        }

        throw new NotSupportedException($"hash {hash.Name} is not supported for signing key packages");
    }
}
