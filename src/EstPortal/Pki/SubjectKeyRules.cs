using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Which subject public keys the CA certifies: RSA 2048–16384 bits or ECDSA on P-256/P-384/P-521. The enrollment
/// policy may be stricter; this is the floor the CA holds even if a caller forgets to check.
/// </summary>
internal static class SubjectKeyRules
{
    public const int MinimumRsaBits = 2048;

    // Far beyond any real device; bounds the cost of verifying signatures made with such keys.
    public const int MaximumRsaBits = 16384;

    /// <summary>Throws <see cref="IssuanceRefusedException"/> unless the key is acceptable.</summary>
    /// <returns>True for RSA keys (they may also encipher keys), false for EC.</returns>
    public static bool EnsureAcceptable(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case PublicKeyAlgorithms.Rsa:
                EnsureRsa(key);
                return true;
            case PublicKeyAlgorithms.EcPublicKey:
                EnsureEc(key);
                return false;
            default:
                throw new IssuanceRefusedException(
                    $"key algorithm {PublicKeyAlgorithms.Describe(key.Oid.Value)} is not supported");
        }
    }

    private static void EnsureRsa(PublicKey key)
    {
        // Read in managed code rather than imported into OpenSSL: the CA needs only the two integers (ADR 0010).
        byte[] modulus;
        byte[] exponent;
        try
        {
            // RFC 8017 §A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, in DER (RFC 3279 §2.3.1).
            var reader = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            modulus = sequence.ReadIntegerBytes().ToArray();
            exponent = sequence.ReadIntegerBytes().ToArray();
            sequence.ThrowIfNotEmpty();
        }
        catch (AsnContentException ex)
        {
            throw new IssuanceRefusedException("the RSA public key cannot be read", ex);
        }

        if (modulus.Length == 0 || (modulus[0] & 0x80) != 0 || exponent.Length == 0 || (exponent[0] & 0x80) != 0)
        {
            throw new IssuanceRefusedException("the RSA public key cannot be read");
        }

        var bits = BitLength(modulus);
        if (bits < MinimumRsaBits)
        {
            throw new IssuanceRefusedException($"key RSA-{bits} is below the minimum RSA-{MinimumRsaBits}");
        }

        if (bits > MaximumRsaBits)
        {
            throw new IssuanceRefusedException($"key RSA-{bits} is above the maximum RSA-{MaximumRsaBits}");
        }

        // An even or trivial public exponent makes RSA insecure or non-functional (NIST SP 800-89 §5.3.3).
        if (exponent.Length == 0 || (exponent[^1] & 1) == 0 || (BitLength(exponent) <= 1))
        {
            throw new IssuanceRefusedException("the RSA public exponent is invalid");
        }
    }

    private static void EnsureEc(PublicKey key)
    {
        string? curveOid;
        try
        {
            // RFC 5480 §2.1.1: namedCurve only; implicitCurve and specifiedCurve are not allowed in PKIX.
            var parameters = key.EncodedParameters?.RawData ?? [];
            curveOid = AsnDecoder.ReadObjectIdentifier(parameters, AsnEncodingRules.DER, out var consumed);
            if (consumed != parameters.Length)
            {
                curveOid = null;
            }
        }
        catch (AsnContentException)
        {
            curveOid = null;
        }

        if (curveOid is null)
        {
            throw new IssuanceRefusedException("EC keys must name their curve (RFC 5480 §2.1.1)");
        }

        var curveName = PublicKeyAlgorithms.DescribeAcceptedCurve(curveOid)
            ?? throw new IssuanceRefusedException($"key EC curve {curveOid} is not supported (use P-256, P-384 or P-521)");

        if (!EcPublicPoint.IsValid(curveOid, key.EncodedKeyValue.RawData))
        {
            throw new IssuanceRefusedException($"the EC public key is not a valid {curveName} point");
        }
    }

    private static int BitLength(ReadOnlySpan<byte> bigEndianUnsigned)
    {
        var span = bigEndianUnsigned.TrimStart((byte)0);
        return span.IsEmpty ? 0 : ((span.Length - 1) * 8) + (8 - byte.LeadingZeroCount(span[0]));
    }
}
