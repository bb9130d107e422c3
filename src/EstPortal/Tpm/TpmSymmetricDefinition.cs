namespace EstPortal.Tpm;

/// <summary>
/// TPMT_SYM_DEF_OBJECT (TPM 2.0 Part 2 §11.1.7): the symmetric algorithm of a storage key. For an EK it is what
/// protects a credential made for it (Part 1 §24.4); the TCG EK templates use AES-128-CFB.
/// </summary>
public sealed record TpmSymmetricDefinition(ushort Algorithm, ushort KeyBits, ushort Mode)
{
    public const ushort NullAlgorithm = 0x0010;
    public const ushort AesAlgorithm = 0x0006;
    public const ushort CfbMode = 0x0043;

    public bool IsAesCfb => Algorithm == AesAlgorithm && Mode == CfbMode && KeyBits is 128 or 192 or 256;

    internal static TpmSymmetricDefinition Read(ref TpmReader reader)
    {
        var algorithm = reader.UInt16();
        return algorithm == NullAlgorithm ? new(algorithm, 0, 0) : new(algorithm, reader.UInt16(), reader.UInt16());
    }
}
