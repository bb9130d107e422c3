namespace EstPortal.Pki;

/// <summary>Object identifiers of subject public key algorithms and curves (RFC 3279, RFC 5480, RFC 8410).</summary>
internal static class PublicKeyAlgorithms
{
    public const string Rsa = "1.2.840.113549.1.1.1";
    public const string RsaPss = "1.2.840.113549.1.1.10";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string Dsa = "1.2.840.10040.4.1";
    public const string X25519 = "1.3.101.110";
    public const string X448 = "1.3.101.111";
    public const string Ed25519 = "1.3.101.112";
    public const string Ed448 = "1.3.101.113";

    public const string CurveP256 = "1.2.840.10045.3.1.7";
    public const string CurveP384 = "1.3.132.0.34";
    public const string CurveP521 = "1.3.132.0.35";

    /// <summary>A short name for an algorithm OID, for messages a firmware engineer reads.</summary>
    public static string Describe(string? oid) => oid switch
    {
        Rsa => "RSA",
        RsaPss => "RSA-PSS",
        EcPublicKey => "EC",
        Dsa => "DSA",
        X25519 => "X25519",
        X448 => "X448",
        Ed25519 => "Ed25519",
        Ed448 => "Ed448",
        null or "" => "(none)",
        _ => oid,
    };

    /// <summary>Curve name for the message, or null when the curve is not one we accept.</summary>
    public static string? DescribeAcceptedCurve(string? curveOid) => curveOid switch
    {
        CurveP256 => "P-256",
        CurveP384 => "P-384",
        CurveP521 => "P-521",
        _ => null,
    };
}
