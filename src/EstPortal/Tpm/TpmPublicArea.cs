using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EstPortal.Tpm;

/// <summary>TPM 2.0 Part 2 §8.3 TPMA_OBJECT bits this server judges.</summary>
[Flags]
public enum TpmObjectAttributes : uint
{
    None = 0,
    FixedTpm = 1 << 1,
    FixedParent = 1 << 4,
    SensitiveDataOrigin = 1 << 5,
    UserWithAuth = 1 << 6,
    AdminWithPolicy = 1 << 7,
    Restricted = 1 << 16,
    Decrypt = 1 << 17,
    Sign = 1 << 18,
}

/// <summary>
/// A TPM2B_PUBLIC (TPM 2.0 Part 2 §12.2.5) as <c>tpm2_readpublic -f tss</c> writes it: the object's type, name algorithm,
/// attributes, parameters and public key. Only RSA and ECC objects are read (the only ones that can be EKs or signing
/// keys in a certificate). The TPM name (Part 1 §16) is nameAlg followed by the nameAlg digest of the TPMT_PUBLIC bytes,
/// so it commits to every attribute: a TPM that answers for this name holds an object with exactly these attributes.
/// </summary>
public sealed class TpmPublicArea
{
    private const int MaxSize = 1024;

    private TpmPublicArea(byte[] contents, ushort type, TpmHashAlgorithm nameAlgorithm, TpmObjectAttributes attributes,
        TpmSymmetricDefinition symmetric, byte[] subjectPublicKeyInfo)
    {
        Contents = contents;
        Type = type;
        NameAlgorithm = nameAlgorithm;
        Attributes = attributes;
        Symmetric = symmetric;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
    }

    public const ushort RsaType = 0x0001;
    public const ushort EccType = 0x0023;

    /// <summary>The TPMT_PUBLIC bytes (without the TPM2B size), what the name hashes.</summary>
    public byte[] Contents { get; }
    public ushort Type { get; }
    public TpmHashAlgorithm NameAlgorithm { get; }
    public TpmObjectAttributes Attributes { get; }
    /// <summary>The object's symmetric algorithm (for a storage key such as the EK: what protects a credential for it).</summary>
    public TpmSymmetricDefinition Symmetric { get; }
    /// <summary>The public key as X.509 SubjectPublicKeyInfo DER, to compare with certificates and CSRs.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public bool Has(TpmObjectAttributes attributes) => (Attributes & attributes) == attributes;

    /// <summary>TPM 2.0 Part 1 §16: nameAlg (2 bytes) || H_nameAlg(TPMT_PUBLIC).</summary>
    public byte[] Name()
    {
        var digest = NameAlgorithm.Hash(Contents);
        var name = new byte[2 + digest.Length];
        BinaryPrimitives.WriteUInt16BigEndian(name, NameAlgorithm.Id);
        digest.CopyTo(name, 2);
        return name;
    }

    /// <summary>Reads a TPM2B_PUBLIC; throws <see cref="TpmFormatException"/> with a reason on anything else.</summary>
    public static TpmPublicArea Parse(ReadOnlySpan<byte> tpm2bPublic)
    {
        var outer = new TpmReader(tpm2bPublic);
        var contents = outer.Sized(MaxSize).ToArray();
        if (outer.Remaining != 0)
            throw new TpmFormatException("the TPM2B_PUBLIC has bytes after its declared size");

        var reader = new TpmReader(contents);
        var type = reader.UInt16();
        var nameAlgorithm = TpmHashAlgorithm.FromId(reader.UInt16())
            ?? throw new TpmFormatException("the public area's nameAlg is not SHA-1, SHA-256, SHA-384 or SHA-512");
        var attributes = (TpmObjectAttributes)reader.UInt32();
        reader.Sized(64); // authPolicy
        var symmetric = TpmSymmetricDefinition.Read(ref reader);
        byte[] spki;
        switch (type)
        {
            case RsaType:
                ReadScheme(ref reader);
                var bits = reader.UInt16();
                var exponent = reader.UInt32();
                var modulus = reader.Sized(512).ToArray();
                if (modulus.Length * 8 != bits)
                    throw new TpmFormatException($"the RSA modulus has {modulus.Length * 8} bits, the public area says {bits}");
                using (var rsa = RSA.Create())
                {
                    rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = ExponentBytes(exponent) });
                    spki = rsa.ExportSubjectPublicKeyInfo();
                }
                break;
            case EccType:
                ReadScheme(ref reader);
                var curve = CurveOf(reader.UInt16());
                ReadScheme(ref reader); // kdf
                var x = reader.Sized(66).ToArray();
                var y = reader.Sized(66).ToArray();
                using (var ec = ECDsa.Create())
                {
                    try
                    {
                        ec.ImportParameters(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } });
                    }
                    catch (CryptographicException)
                    {
                        throw new TpmFormatException("the ECC public point is not on the curve the public area names");
                    }
                    spki = ec.ExportSubjectPublicKeyInfo();
                }
                break;
            default:
                throw new TpmFormatException($"public area type 0x{type:x4} is neither RSA nor ECC");
        }
        if (reader.Remaining != 0)
            throw new TpmFormatException("the public area has bytes after its unique field");
        return new TpmPublicArea(contents, type, nameAlgorithm, attributes, symmetric, spki);
    }

    /// <summary>TPMT_RSA_SCHEME / TPMT_ECC_SCHEME / TPMT_KDF_SCHEME: an algorithm, then a hash unless it is TPM_ALG_NULL.</summary>
    private static void ReadScheme(ref TpmReader reader)
    {
        if (reader.UInt16() != TpmSymmetricDefinition.NullAlgorithm)
            reader.UInt16();
    }

    // TPM 2.0 Part 2 §8.3 / §11.2.5.6: an exponent of zero means the default, 2^16 + 1.
    private static byte[] ExponentBytes(uint exponent)
    {
        var value = exponent == 0 ? 65537u : exponent;
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes.AsSpan().TrimStart((byte)0).ToArray();
    }

    private static ECCurve CurveOf(ushort curveId) => curveId switch
    {
        0x0003 => ECCurve.NamedCurves.nistP256,
        0x0004 => ECCurve.NamedCurves.nistP384,
        0x0005 => ECCurve.NamedCurves.nistP521,
        _ => throw new TpmFormatException($"TPM curve 0x{curveId:x4} is not P-256, P-384 or P-521"),
    };
}
