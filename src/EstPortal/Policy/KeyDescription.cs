using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Policy;

/// <summary>A public key as policy messages name it: "RSA-2048", "EC P-256".</summary>
public sealed record KeyDescription(string Algorithm, int RsaBits, string Curve, string Oid)
{
    public override string ToString() => Algorithm switch
    {
        "RSA" => $"RSA-{RsaBits}",
        "EC" => $"EC {Curve}",
        _ => Oid,
    };

    public static KeyDescription Of(PublicKey key)
    {
        var oid = key.Oid?.Value ?? "";
        switch (oid)
        {
            case "1.2.840.113549.1.1.1":
                using (var rsa = key.GetRSAPublicKey())
                    return new("RSA", rsa?.KeySize ?? 0, "", oid);
            case "1.2.840.10045.2.1":
                return new("EC", 0, CurveName(key.EncodedParameters?.RawData ?? []), oid);
            default:
                return new(key.Oid?.FriendlyName ?? oid, 0, "", oid);
        }
    }

    private static string CurveName(byte[] parameters)
    {
        try
        {
            return new AsnReader(parameters, AsnEncodingRules.DER).ReadObjectIdentifier() switch
            {
                "1.2.840.10045.3.1.7" => "P-256",
                "1.3.132.0.34" => "P-384",
                "1.3.132.0.35" => "P-521",
                var other => other,
            };
        }
        catch (AsnContentException)
        {
            return "explicit curve parameters";
        }
    }

    public static string? CurveOid(string curveName) => curveName.ToUpperInvariant() switch
    {
        "P-256" => "1.2.840.10045.3.1.7",
        "P-384" => "1.3.132.0.34",
        "P-521" => "1.3.132.0.35",
        _ => null,
    };

    public static HashAlgorithmName HashFor(string curveName) =>
        curveName.ToUpperInvariant() switch { "P-384" => HashAlgorithmName.SHA384, "P-521" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA256 };
}
