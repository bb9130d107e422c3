using System.Security.Cryptography;

namespace EstPortal.Tpm;

/// <summary>A TPM_ALG_ID for a hash (TPM 2.0 Part 2 §6.3) and what it means in .NET.</summary>
public sealed record TpmHashAlgorithm(ushort Id, HashAlgorithmName Name, int DigestSize)
{
    public static readonly TpmHashAlgorithm Sha1 = new(0x0004, HashAlgorithmName.SHA1, 20);
    public static readonly TpmHashAlgorithm Sha256 = new(0x000B, HashAlgorithmName.SHA256, 32);
    public static readonly TpmHashAlgorithm Sha384 = new(0x000C, HashAlgorithmName.SHA384, 48);
    public static readonly TpmHashAlgorithm Sha512 = new(0x000D, HashAlgorithmName.SHA512, 64);

    public static TpmHashAlgorithm? FromId(ushort id) =>
        new[] { Sha1, Sha256, Sha384, Sha512 }.FirstOrDefault(a => a.Id == id);

    public byte[] Hash(ReadOnlySpan<byte> data) => CryptographicOperations.HashData(Name, data);

    public byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => CryptographicOperations.HmacData(Name, key, data);
}
