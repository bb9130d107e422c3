using System.Security.Cryptography;

namespace EstPortal.Pki;

/// <summary>
/// Generates the key pair for an RFC 7030 §4.4 /serverkeygen request. EC keys are generated on the spot; RSA keys
/// come from the <see cref="RsaKeyPool"/>, and only when the pool is empty are they generated inside the request
/// (the slow path, counted in <see cref="PoolMisses"/>, which tells an operator to enlarge the pool).
/// </summary>
public sealed class ServerKeyGenerator
{
    private readonly RsaKeyPool _rsaPool;

    public ServerKeyGenerator(RsaKeyPool rsaPool)
    {
        ArgumentNullException.ThrowIfNull(rsaPool);
        _rsaPool = rsaPool;
    }

    /// <summary>RSA requests that found the pool empty and generated their key synchronously.</summary>
    public long PoolMisses => _rsaPool.Misses;

    /// <returns>A fresh key the caller owns; dispose it once the response is written.</returns>
    public GeneratedKey Generate(ServerKeyType type)
    {
        ArgumentNullException.ThrowIfNull(type);

        AsymmetricAlgorithm key = type.Family switch
        {
            ServerKeyFamily.Ec => ECDsa.Create(CurveFor(type)),
            ServerKeyFamily.Rsa => _rsaPool.TryTake(type.Size, out var pooled) ? pooled : RSA.Create(type.Size),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown key family"),
        };

        try
        {
            return new GeneratedKey(type, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static ECCurve CurveFor(ServerKeyType type) => type.Size switch
    {
        256 => ECCurve.NamedCurves.nistP256,
        384 => ECCurve.NamedCurves.nistP384,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported curve"),
    };
}
