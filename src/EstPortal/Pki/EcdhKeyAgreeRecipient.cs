using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BcRecipientInfo = Org.BouncyCastle.Asn1.Cms.RecipientInfo;

namespace EstPortal.Pki;

/// <summary>
/// A KeyAgreeRecipientInfo (RFC 5652 §6.2.2) for an EC recipient with ephemeral-static ECDH, as RFC 5753 §3.1
/// specifies: a fresh sender key per message, the X9.63 KDF over ECC-CMS-SharedInfo (RFC 5753 §7.2) and AES key
/// wrap (RFC 3394, identifiers from RFC 3565 §2.3.2). ECDH and the KDF run in System.Security.Cryptography.
/// Written here rather than with BouncyCastle's own generator, whose KDF input (the keyInfo algorithm identifier) does
/// not match what OpenSSL and RFC 5753 derive for AES key wrap, so OpenSSL could not unwrap its keys.
/// </summary>
internal sealed class EcdhKeyAgreeRecipient : RecipientInfoGenerator
{
    private readonly X509Certificate2 _recipient;
    private readonly Scheme _scheme;

    private EcdhKeyAgreeRecipient(X509Certificate2 recipient, Scheme scheme)
    {
        _recipient = recipient;
        _scheme = scheme;
    }

    /// <summary>The content-encryption algorithm whose strength matches this recipient's curve.</summary>
    public DerObjectIdentifier ContentEncryption => new(_scheme.ContentEncryptionOid);

    /// <exception cref="IssuanceRefusedException">The certificate's EC key is not on P-256, P-384 or P-521.</exception>
    public static EcdhKeyAgreeRecipient For(X509Certificate2 recipient)
    {
        using var publicKey = recipient.GetECDiffieHellmanPublicKey()
            ?? throw new IssuanceRefusedException("the recipient certificate's EC public key cannot be read");

        // RFC 5753 §7.2 and §8 pair each curve's strength with the KDF hash and the wrap key size (P-384 with
        // SHA-384 and AES-256 as in RFC 6318).
        var scheme = publicKey.ExportParameters(includePrivateParameters: false).Curve.Oid.Value switch
        {
            PublicKeyAlgorithms.CurveP256 => new Scheme(HashAlgorithmName.SHA256, "1.3.132.1.11.1", "2.16.840.1.101.3.4.1.5", 16, "2.16.840.1.101.3.4.1.2"),
            PublicKeyAlgorithms.CurveP384 => new Scheme(HashAlgorithmName.SHA384, "1.3.132.1.11.2", "2.16.840.1.101.3.4.1.45", 32, "2.16.840.1.101.3.4.1.42"),
            PublicKeyAlgorithms.CurveP521 => new Scheme(HashAlgorithmName.SHA512, "1.3.132.1.11.3", "2.16.840.1.101.3.4.1.45", 32, "2.16.840.1.101.3.4.1.42"),
            var other => throw new IssuanceRefusedException($"cannot encrypt a key to an EC certificate on curve {other}"),
        };
        return new EcdhKeyAgreeRecipient(recipient, scheme);
    }

    public BcRecipientInfo Generate(KeyParameter contentEncryptionKey, SecureRandom random)
    {
        using var recipientKey = _recipient.GetECDiffieHellmanPublicKey()
            ?? throw new IssuanceRefusedException("the recipient certificate's EC public key cannot be read");
        using var ephemeral = ECDiffieHellman.Create(recipientKey.ExportParameters(includePrivateParameters: false).Curve);

        var keyEncryptionKey = DeriveKeyEncryptionKey(ephemeral, recipientKey.PublicKey);
        byte[] wrapped;
        try
        {
            var wrap = new AesWrapEngine();
            wrap.Init(forWrapping: true, new KeyParameter(keyEncryptionKey));
            var cek = contentEncryptionKey.GetKey();
            wrapped = wrap.Wrap(cek, 0, cek.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyEncryptionKey);
        }

        return BcRecipientInfo.GetInstance(Asn1Object.FromByteArray(Encode(ephemeral, wrapped)));
    }

    /// <summary>
    /// X9.63 KDF (RFC 5753 §7.2): KEK = first bytes of Hash(Z || counter=1 || ECC-CMS-SharedInfo). One hash block is
    /// always enough here (16 or 32 key bytes from a 32- to 64-byte hash).
    /// </summary>
    private byte[] DeriveKeyEncryptionKey(ECDiffieHellman ephemeral, ECDiffieHellmanPublicKey recipientKey)
    {
        var sharedInfo = SharedInfo();
        var suffix = new byte[4 + sharedInfo.Length];
        BinaryPrimitives.WriteUInt32BigEndian(suffix, 1);
        sharedInfo.CopyTo(suffix, 4);
        var block = ephemeral.DeriveKeyFromHash(recipientKey, _scheme.KdfHash, secretPrepend: null, secretAppend: suffix);
        try
        {
            return block.AsSpan(0, _scheme.WrapKeyLength).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    // ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo AlgorithmIdentifier, entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
    //   suppPubInfo [2] EXPLICIT OCTET STRING } — keyInfo is the wrap algorithm (AES wrap: parameters absent,
    //   RFC 3565 §2.3.2), no ukm is sent, suppPubInfo is the KEK length in bits as a 32-bit big-endian integer.
    private byte[] SharedInfo()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteWrapAlgorithm(writer);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
            {
                Span<byte> bits = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(bits, (uint)(_scheme.WrapKeyLength * 8));
                writer.WriteOctetString(bits);
            }
        }

        return writer.Encode();
    }

    // RecipientInfo: kari [1] IMPLICIT KeyAgreeRecipientInfo (RFC 5652 §6.2; the CMS module uses implicit tags).
    private byte[] Encode(ECDiffieHellman ephemeral, byte[] wrappedKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            writer.WriteInteger(3);

            // originator [0] EXPLICIT OriginatorIdentifierOrKey, choice originatorKey [1] (RFC 5753 §3.1.1): the
            // ephemeral public point. Its parameters "MUST be absent, ECParameters, or NULL"; we name the curve, which
            // OpenSSL accepts and which BouncyCastle-based clients need to rebuild the key.
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                var ephemeralParameters = ephemeral.ExportParameters(includePrivateParameters: false);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(PublicKeyAlgorithms.EcPublicKey);
                    writer.WriteObjectIdentifier(ephemeralParameters.Curve.Oid.Value
                        ?? throw new InvalidOperationException("the ephemeral key is not on a named curve"));
                }

                writer.WriteBitString(UncompressedPoint(ephemeralParameters.Q));
            }

            // keyEncryptionAlgorithm: the key agreement scheme, its parameter the key wrap algorithm (RFC 5753 §7.1.4).
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(_scheme.AgreementOid);
                WriteWrapAlgorithm(writer);
            }

            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                // rid: issuerAndSerialNumber, as for key transport.
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(_recipient.IssuerName.RawData);
                    writer.WriteInteger(_recipient.SerialNumberBytes.Span);
                }

                writer.WriteOctetString(wrappedKey);
            }
        }

        return writer.Encode();
    }

    private void WriteWrapAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(_scheme.WrapOid);
        }
    }

    // SEC 1 §2.3.3 uncompressed form, which RFC 5753 §3.1.1 requires every implementation to support.
    private static byte[] UncompressedPoint(ECPoint q) => [0x04, .. q.X!, .. q.Y!];

    private sealed record Scheme(
        HashAlgorithmName KdfHash, string AgreementOid, string WrapOid, int WrapKeyLength, string ContentEncryptionOid);
}
