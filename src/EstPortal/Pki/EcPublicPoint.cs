using System.Numerics;

namespace EstPortal.Pki;

/// <summary>
/// Public-key validation for the NIST prime curves the CA certifies, in managed code: the point is in uncompressed form
/// (RFC 5480 §2.2), both coordinates are field elements, and it satisfies y² = x³ − 3x + b (mod p). These curves have
/// cofactor 1, so a point on the curve other than infinity (which has no uncompressed form) lies in the prime-order
/// group: this is the full validation of NIST SP 800-56A Rev. 3 §5.6.2.3.3, without the n·Q = O multiplication that
/// importing the key into OpenSSL performs (ADR 0010).
/// </summary>
internal static class EcPublicPoint
{
    private sealed record Curve(int FieldBytes, BigInteger P, BigInteger B);

    private static readonly Curve P256 = new(32,
        Hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"),
        Hex("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B"));

    private static readonly Curve P384 = new(48,
        Hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF"),
        Hex("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF"));

    private static readonly Curve P521 = new(66,
        (BigInteger.One << 521) - 1,
        Hex("0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00"));

    /// <summary>True when <paramref name="point"/> is a valid public point on the curve <paramref name="curveOid"/>.</summary>
    public static bool IsValid(string curveOid, ReadOnlySpan<byte> point)
    {
        var curve = curveOid switch
        {
            PublicKeyAlgorithms.CurveP256 => P256,
            PublicKeyAlgorithms.CurveP384 => P384,
            PublicKeyAlgorithms.CurveP521 => P521,
            _ => null,
        };
        if (curve is null || point.Length != 1 + (2 * curve.FieldBytes) || point[0] != 0x04)
            return false;

        var x = new BigInteger(point.Slice(1, curve.FieldBytes), isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(point.Slice(1 + curve.FieldBytes, curve.FieldBytes), isUnsigned: true, isBigEndian: true);
        if (x >= curve.P || y >= curve.P)
            return false;

        var left = BigInteger.ModPow(y, 2, curve.P);
        var right = ((BigInteger.ModPow(x, 3, curve.P) - (3 * x) + curve.B) % curve.P + curve.P) % curve.P;
        return left == right;
    }

    private static BigInteger Hex(string value) =>
        new(Convert.FromHexString(value), isUnsigned: true, isBigEndian: true);
}
