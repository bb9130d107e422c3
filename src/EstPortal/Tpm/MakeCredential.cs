using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace EstPortal.Tpm;

/// <summary>
/// TPM2_MakeCredential done outside a TPM (TPM 2.0 Part 1 §24, Part 3 §12.6): wraps a secret for the TPM that holds an
/// RSA endorsement key so that only TPM2_ActivateCredential on that TPM, with the object named <c>objectName</c> loaded,
/// returns it. A random seed is encrypted to the EK with RSAES-OAEP (label "IDENTITY\0", the EK's nameAlg; .NET's RSA
/// has no OAEP label, hence BouncyCastle); from the seed KDFa (SP 800-108 counter mode, HMAC) derives the symmetric key
/// ("STORAGE", context = the object's name) that encrypts the secret with the EK's symmetric algorithm (AES-CFB, zero
/// IV), and the HMAC key ("INTEGRITY") whose HMAC over the ciphertext and the name the TPM checks first. The TPM
/// refuses to activate the credential unless the loaded object's name matches, so the secret reaches only a TPM that
/// holds both the EK and that exact object.
/// </summary>
public static class MakeCredential
{
    /// <summary>The tpm2-tools credential file header (tpm2_makecredential writes it, tpm2_activatecredential reads it).</summary>
    private const uint FileMagic = 0xBADCC0DE;
    private const uint FileVersion = 1;

    private static readonly byte[] IdentityLabel = Encoding.ASCII.GetBytes("IDENTITY\0");
    private static readonly byte[] StorageLabel = Encoding.ASCII.GetBytes("STORAGE");
    private static readonly byte[] IntegrityLabel = Encoding.ASCII.GetBytes("INTEGRITY");

    /// <summary>The largest secret a credential for this EK can carry: a TPM2B_DIGEST of its nameAlg (Part 2 §10.4.2).</summary>
    public static int MaxSecretSize(TpmPublicArea ek) => ek.NameAlgorithm.DigestSize;

    /// <summary>TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET, as the TPM marshals them.</summary>
    public static (byte[] CredentialBlob, byte[] EncryptedSecret) Make(TpmPublicArea ek, ReadOnlySpan<byte> objectName, ReadOnlySpan<byte> secret)
    {
        if (ek.Type != TpmPublicArea.RsaType)
            throw new TpmFormatException("only RSA endorsement keys are supported");
        if (!ek.Symmetric.IsAesCfb)
            throw new TpmFormatException("the endorsement key's symmetric algorithm is not AES-CFB");
        if (secret.Length == 0 || secret.Length > MaxSecretSize(ek))
            throw new ArgumentException($"a credential secret has 1 to {MaxSecretSize(ek)} bytes", nameof(secret));

        var hash = ek.NameAlgorithm;
        var seed = RandomNumberGenerator.GetBytes(hash.DigestSize);
        try
        {
            var encryptedSeed = OaepEncrypt(ek, seed);
            var symmetricKey = Kdfa(hash, seed, StorageLabel, objectName, ek.Symmetric.KeyBits / 8);
            var encryptedIdentity = AesCfb(symmetricKey, Sized(secret));
            var hmacKey = Kdfa(hash, seed, IntegrityLabel, [], hash.DigestSize);
            var integrity = hash.Hmac(hmacKey, [.. encryptedIdentity, .. objectName]);
            return (Sized([.. Sized(integrity), .. encryptedIdentity]), Sized(encryptedSeed));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The tpm2-tools credential file: magic, version, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET (all big-endian).</summary>
    public static byte[] ToolsFile(byte[] credentialBlob, byte[] encryptedSecret)
    {
        var file = new byte[8 + credentialBlob.Length + encryptedSecret.Length];
        BinaryPrimitives.WriteUInt32BigEndian(file, FileMagic);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(4), FileVersion);
        credentialBlob.CopyTo(file, 8);
        encryptedSecret.CopyTo(file, 8 + credentialBlob.Length);
        return file;
    }

    private static byte[] OaepEncrypt(TpmPublicArea ek, byte[] seed)
    {
        var key = (RsaKeyParameters)PublicKeyFactory.CreateKey(ek.SubjectPublicKeyInfo);
        var digest = DigestUtilities.GetDigest(ek.NameAlgorithm.Name.Name);
        var oaep = new OaepEncoding(new RsaEngine(), digest, DigestUtilities.GetDigest(ek.NameAlgorithm.Name.Name), IdentityLabel);
        oaep.Init(true, new ParametersWithRandom(key, new SecureRandom()));
        return oaep.ProcessBlock(seed, 0, seed.Length);
    }

    /// <summary>
    /// KDFa (Part 1 §11.4.10.2): HMAC(key, [i]32 || label || 0x00 || contextU || contextV || [bits]32), which is SP 800-108
    /// counter mode exactly as .NET implements it (it writes the label's terminating zero itself).
    /// </summary>
    private static byte[] Kdfa(TpmHashAlgorithm hash, byte[] seed, byte[] label, ReadOnlySpan<byte> context, int bytes) =>
        SP800108HmacCounterKdf.DeriveBytes(seed, hash.Name, label, context, bytes);

    /// <summary>
    /// CFB-128 with a zero IV (Part 1 §24.4). CFB's first n ciphertext bytes depend only on the first n plaintext bytes,
    /// so the plaintext is zero-padded to whole blocks (.NET's CFB wants them) and the ciphertext cut back to its length.
    /// </summary>
    private static byte[] AesCfb(byte[] key, byte[] plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var padded = new byte[(plaintext.Length + 15) / 16 * 16];
        plaintext.CopyTo(padded, 0);
        var encrypted = aes.EncryptCfb(padded, new byte[16], PaddingMode.None, feedbackSizeInBits: 128);
        return encrypted[..plaintext.Length];
    }

    private static byte[] Sized(ReadOnlySpan<byte> data)
    {
        var sized = new byte[2 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sized, (ushort)data.Length);
        data.CopyTo(sized.AsSpan(2));
        return sized;
    }
}
