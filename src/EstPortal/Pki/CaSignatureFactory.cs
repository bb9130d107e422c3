using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace EstPortal.Pki;

/// <summary>
/// Lets BouncyCastle sign its structures (OCSP responses) with a CA through <see cref="ICaSigner"/>: BouncyCastle
/// sees only an algorithm identifier and a "sign these bytes" callback, never a key. The signature is made by the
/// CA's <see cref="System.Security.Cryptography.X509Certificates.X509SignatureGenerator"/> (System.Security.Cryptography,
/// per DESIGN.md), so an HSM-backed signer works here unchanged.
/// </summary>
public sealed class CaSignatureFactory : ISignatureFactory
{
    private readonly ICaSigner _ca;

    public CaSignatureFactory(ICaSigner ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        _ca = ca;
        // The same AlgorithmIdentifier the generator puts in certificates, so what BouncyCastle writes next to the
        // signature always describes how it was made (RFC 5280 §4.1.1.2).
        AlgorithmIdentifier = AlgorithmIdentifier.GetInstance(
            Asn1Object.FromByteArray(ca.SignatureGenerator.GetSignatureAlgorithmIdentifier(ca.HashAlgorithm)));
    }

    public AlgorithmIdentifier AlgorithmIdentifier { get; }

    public object AlgorithmDetails => AlgorithmIdentifier;

    public IStreamCalculator<IBlockResult> CreateCalculator() => new CaSignatureCalculator(_ca);
}
