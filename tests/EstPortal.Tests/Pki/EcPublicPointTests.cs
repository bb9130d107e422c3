using System.Security.Cryptography;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

/// <summary>
/// The CA's own check of EC subject keys (ADR 0010): accepted exactly when OpenSSL would import the point, for real
/// keys and for points altered the ways an attacker or a broken device would alter them.
/// </summary>
public sealed class EcPublicPointTests
{
    public static TheoryData<string, string> Curves => new()
    {
        { PublicKeyAlgorithms.CurveP256, "1.2.840.10045.3.1.7" },
        { PublicKeyAlgorithms.CurveP384, "1.3.132.0.34" },
        { PublicKeyAlgorithms.CurveP521, "1.3.132.0.35" },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void RealKeys_AreValid_AndAlteredPointsAreNot(string curveOid, string _)
    {
        for (var i = 0; i < 20; i++)
        {
            using var key = ECDsa.Create(ECCurve.CreateFromValue(curveOid));
            var point = Uncompressed(key);
            Assert.True(EcPublicPoint.IsValid(curveOid, point));

            var offCurve = (byte[])point.Clone();
            offCurve[^1] ^= 0x01;
            Assert.False(EcPublicPoint.IsValid(curveOid, offCurve));
            Assert.False(OpenSslAccepts(curveOid, offCurve), "the reference rejects it too");
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void MalformedEncodings_AreNotValid(string curveOid, string _)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromValue(curveOid));
        var point = Uncompressed(key);
        var fieldBytes = (point.Length - 1) / 2;

        var compressed = new byte[1 + fieldBytes];
        compressed[0] = (byte)(0x02 | (point[^1] & 1));
        point.AsSpan(1, fieldBytes).CopyTo(compressed.AsSpan(1));
        Assert.False(EcPublicPoint.IsValid(curveOid, compressed));

        Assert.False(EcPublicPoint.IsValid(curveOid, [0x00]));                   // the point at infinity
        Assert.False(EcPublicPoint.IsValid(curveOid, point.AsSpan(0, point.Length - 1)));  // truncated
        Assert.False(EcPublicPoint.IsValid(curveOid, [.. point, 0x00]));         // trailing octet
        var hybrid = (byte[])point.Clone();
        hybrid[0] = 0x06;                                                        // X9.62 hybrid form
        Assert.False(EcPublicPoint.IsValid(curveOid, hybrid));

        var xTooLarge = (byte[])point.Clone();
        xTooLarge.AsSpan(1, fieldBytes).Fill(0xFF);                              // x ≥ p
        Assert.False(EcPublicPoint.IsValid(curveOid, xTooLarge));
    }

    [Fact]
    public void APointOfAnotherCurve_IsNotValidOnThisOne()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.False(EcPublicPoint.IsValid(PublicKeyAlgorithms.CurveP384, Uncompressed(p256)));
        Assert.False(EcPublicPoint.IsValid("1.3.132.0.10", Uncompressed(p256)));  // secp256k1: not a curve we certify
    }

    private static byte[] Uncompressed(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
    }

    private static bool OpenSslAccepts(string curveOid, byte[] point)
    {
        var fieldBytes = (point.Length - 1) / 2;
        try
        {
            using var imported = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.CreateFromValue(curveOid),
                Q = new ECPoint { X = point[1..(1 + fieldBytes)], Y = point[(1 + fieldBytes)..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
