using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace EstPortal.Pki;

/// <summary>
/// Encrypts a server-generated private key for its client, for the application/pkcs7-mime;
/// smime-type=server-generated-key part of a /serverkeygen response. RFC 7030 §4.4.2 is followed to the letter:
/// the key is placed in a CMS SignedData signed by the party that generated it (this server), and that SignedData is
/// placed inside a CMS EnvelopedData (RFC 5958 §4 describes the layering); the signed content is an
/// AsymmetricKeyPackage (RFC 5958 §2, id-ct-KP-aKeyPackage). So the result is
/// ContentInfo(EnvelopedData(encryptedContent = SignedData(AsymmetricKeyPackage{ PKCS#8 }))).
/// The recipient is the client's certificate: RSA keys get a KeyTransRecipientInfo, EC keys a KeyAgreeRecipientInfo
/// with ephemeral-static ECDH (RFC 5753 §3.1). The recipient identifier is the certificate's issuerAndSerialNumber,
/// one of the two forms RFC 7030 §4.4.2 allows.
/// </summary>
/// <remarks>
/// RFC 7030 §4.4.2 says keyEncryptionAlgorithm is "one of the key wrap algorithms that the client included in the
/// SMIMECapabilities accompanying the request". This class does not read that attribute: it uses RSAES-OAEP-SHA256
/// (or PKCS#1 v1.5 when configured) and, for EC, dhSinglePass-stdDH with the SHA-2 KDF and AES key wrap matched to
/// the curve, all of which S/MIME 4.0 agents support (RFC 8551 §2.3). Content encryption is AES-CBC with a key of the
/// strength the client's key offers (RFC 7030 §4.4.2: "SHOULD be equivalent"): AES-128 for P-256 and RSA below 7680
/// bits, AES-256 above. BouncyCastle builds the EnvelopedData and does the RSA public-key encryption and the
/// symmetric steps; ECDH runs in System.Security.Cryptography (<see cref="EcdhKeyAgreeRecipient"/>), and the signing
/// key stays behind the <see cref="X509SignatureGenerator"/>.
/// </remarks>
public sealed class ServerGeneratedKeyEnvelope
{
    private readonly X509Certificate2 _signerCertificate;
    private readonly X509SignatureGenerator _signatureGenerator;
    private readonly HashAlgorithmName _hash;
    private readonly RsaKeyTransport _rsaKeyTransport;

    /// <param name="signerCertificate">The certificate of the key that signs the SignedData layer (the server's).</param>
    /// <param name="signatureGenerator">Signs with that certificate's private key.</param>
    /// <param name="hash">Digest for the signature and the messageDigest attribute.</param>
    public ServerGeneratedKeyEnvelope(
        X509Certificate2 signerCertificate,
        X509SignatureGenerator signatureGenerator,
        HashAlgorithmName hash,
        RsaKeyTransport rsaKeyTransport = RsaKeyTransport.OaepSha256)
    {
        ArgumentNullException.ThrowIfNull(signerCertificate);
        ArgumentNullException.ThrowIfNull(signatureGenerator);
        _signerCertificate = signerCertificate;
        _signatureGenerator = signatureGenerator;
        _hash = hash;
        _rsaKeyTransport = rsaKeyTransport;
    }

    /// <summary>Signs with the issuing CA's key, so the client can verify the package with the chain it already trusts.</summary>
    public static ServerGeneratedKeyEnvelope SignedBy(ICaSigner ca, RsaKeyTransport rsaKeyTransport = RsaKeyTransport.OaepSha256)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return new ServerGeneratedKeyEnvelope(ca.Certificate, ca.SignatureGenerator, ca.HashAlgorithm, rsaKeyTransport);
    }

    /// <param name="pkcs8">The generated key as DER PKCS#8 PrivateKeyInfo.</param>
    /// <param name="recipient">The client's certificate whose public key protects the result.</param>
    /// <returns>DER ContentInfo holding the EnvelopedData.</returns>
    /// <exception cref="IssuanceRefusedException">The recipient key cannot be used to protect a key (type, curve or keyUsage).</exception>
    public byte[] Encrypt(byte[] pkcs8, X509Certificate2 recipient)
    {
        ArgumentNullException.ThrowIfNull(pkcs8);
        ArgumentNullException.ThrowIfNull(recipient);

        var bcRecipient = new BcCertificate(recipient.RawData);
        var generator = new CmsEnvelopedDataGenerator();
        var contentEncryption = AddRecipient(generator, recipient, bcRecipient);

        var signedData = SignedKeyPackage.Create(pkcs8, _signerCertificate, _signatureGenerator, _hash);
        try
        {
            var envelope = generator.Generate(
                new CmsProcessableByteArray(new DerObjectIdentifier(SignedKeyPackage.SignedDataOid), signedData),
                contentEncryption);

            // BouncyCastle writes the encrypted content as a BER OCTET STRING; re-encode so clients get plain DER.
            return envelope.ContentInfo.GetEncoded(Asn1Encodable.Der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signedData);
        }
    }

    private DerObjectIdentifier AddRecipient(CmsEnvelopedDataGenerator generator, X509Certificate2 recipient, BcCertificate bcRecipient)
    {
        var keyUsage = recipient.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages;
        switch (recipient.PublicKey.Oid.Value)
        {
            case PublicKeyAlgorithms.Rsa:
                // RFC 5280 §4.2.1.3 / RFC 8551 §2.3: key transport needs keyEncipherment when keyUsage is present.
                RequireUsage(keyUsage, X509KeyUsageFlags.KeyEncipherment, "keyEncipherment");
                var bits = RsaBits(recipient);

                // The protected key is only as safe as the key that transports it: no weaker than the CA would certify.
                if (bits < SubjectKeyRules.MinimumRsaBits)
                {
                    throw new IssuanceRefusedException(
                        $"the recipient certificate's RSA-{bits} key is too weak to protect a server-generated key");
                }

                generator.AddRecipientInfoGenerator(
                    new KeyTransRecipientInfoGenerator(bcRecipient, new Asn1KeyWrapper(KeyTransportAlgorithm(), bcRecipient)));
                return bits >= 7680 ? NistObjectIdentifiers.IdAes256Cbc : NistObjectIdentifiers.IdAes128Cbc;

            case PublicKeyAlgorithms.EcPublicKey:
                // RFC 5753 §3 and RFC 5280 §4.2.1.3: an ECDH recipient certificate must allow keyAgreement.
                RequireUsage(keyUsage, X509KeyUsageFlags.KeyAgreement, "keyAgreement");
                var keyAgreement = EcdhKeyAgreeRecipient.For(recipient);
                generator.AddRecipientInfoGenerator(keyAgreement);
                return keyAgreement.ContentEncryption;

            default:
                throw new IssuanceRefusedException(
                    $"cannot encrypt a key to a {PublicKeyAlgorithms.Describe(recipient.PublicKey.Oid.Value)} certificate");
        }
    }

    private AlgorithmIdentifier KeyTransportAlgorithm() => _rsaKeyTransport switch
    {
        RsaKeyTransport.OaepSha256 => new AlgorithmIdentifier(
            PkcsObjectIdentifiers.IdRsaesOaep,
            new RsaesOaepParameters(
                new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance),
                new AlgorithmIdentifier(
                    PkcsObjectIdentifiers.IdMgf1, new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance)))),
        RsaKeyTransport.Pkcs1V15 => new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance),
        _ => throw new ArgumentOutOfRangeException(nameof(_rsaKeyTransport), _rsaKeyTransport, "unknown key transport"),
    };

    private static int RsaBits(X509Certificate2 recipient)
    {
        using var rsa = recipient.GetRSAPublicKey()
            ?? throw new IssuanceRefusedException("the recipient certificate's RSA public key cannot be read");
        return rsa.KeySize;
    }

    private static void RequireUsage(X509KeyUsageFlags? keyUsage, X509KeyUsageFlags required, string name)
    {
        if (keyUsage is { } usages && !usages.HasFlag(required))
        {
            throw new IssuanceRefusedException(
                $"the recipient certificate's keyUsage does not include {name}, so it cannot protect a server-generated key");
        }
    }
}
