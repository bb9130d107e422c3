using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Proves a CA signer can still sign: signs a random probe through <see cref="ICaSigner.SignatureGenerator"/> (the
/// same path certificates take) and verifies it with the CA certificate's public key. Catches a key that no longer
/// decrypts, an HSM session that dropped, or a key that does not match the certificate.
/// </summary>
public static class SignerSelfTest
{
    private const string RsaPssOid = "1.2.840.113549.1.1.10";

    /// <returns>Null when the signature verified; otherwise why not.</returns>
    public static string? Run(ICaSigner signer)
    {
        var probe = RandomNumberGenerator.GetBytes(32);
        byte[] signature;
        try
        {
            signature = signer.SignatureGenerator.SignData(probe, signer.HashAlgorithm);
        }
        catch (CryptographicException ex)
        {
            return $"signing failed: {ex.Message}";
        }
        return Verify(signer, probe, signature) ? null : "the signature does not verify with the CA certificate's public key";
    }

    private static bool Verify(ICaSigner signer, byte[] probe, byte[] signature)
    {
        var certificate = signer.Certificate;
        using (var ecdsa = certificate.GetECDsaPublicKey())
        {
            // X.509 carries ECDSA signatures as a DER SEQUENCE of r and s (RFC 3279 §2.2.3).
            if (ecdsa is not null)
                return ecdsa.VerifyData(probe, signature, signer.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence);
        }
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
            return false;
        var padding = SignatureOid(signer) == RsaPssOid ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return rsa.VerifyData(probe, signature, signer.HashAlgorithm, padding);
    }

    // The generator states its own padding in the AlgorithmIdentifier it puts into certificates.
    private static string SignatureOid(ICaSigner signer)
    {
        var reader = new AsnReader(signer.SignatureGenerator.GetSignatureAlgorithmIdentifier(signer.HashAlgorithm), AsnEncodingRules.DER);
        return reader.ReadSequence().ReadObjectIdentifier();
    }
}
