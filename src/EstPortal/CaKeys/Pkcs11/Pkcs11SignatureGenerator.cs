using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// Signs with a private key inside the token. The hash is computed here (System.Security.Cryptography) and only the
/// digest goes to the token: CKM_ECDSA for EC keys (the token answers r||s, PKCS#11 v2.40 §2.3.1, which X.509 needs
/// as the DER SEQUENCE of RFC 3279 §2.2.3) and CKM_RSA_PKCS over a DigestInfo for RSA keys (RFC 8017 §9.2: PKCS#1
/// v1.5, as the software signer uses). The key's handle is cached and looked up again by CKA_ID after any failure.
/// </summary>
internal sealed class Pkcs11SignatureGenerator : X509SignatureGenerator
{
    private readonly Pkcs11Token _token;
    private readonly byte[] _id;
    private readonly PublicKey _publicKey;
    private readonly bool _isEc;
    private readonly X509SignatureGenerator _algorithmIdentifiers;
    private (IObjectHandle Handle, int Generation)? _key;

    public Pkcs11SignatureGenerator(Pkcs11Token token, byte[] id, PublicKey publicKey)
    {
        _token = token;
        _id = id;
        _publicKey = publicKey;
        // A generator over the public key alone states the same AlgorithmIdentifiers the software signer writes; it
        // is never asked to sign.
        if (publicKey.GetECDsaPublicKey() is { } ec)
        {
            _isEc = true;
            _algorithmIdentifiers = CreateForECDsa(ec);
        }
        else
        {
            var rsa = publicKey.GetRSAPublicKey() ?? throw new Pkcs11TokenException("only EC and RSA CA keys are supported");
            _algorithmIdentifiers = CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        }
    }

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
        _algorithmIdentifiers.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    /// <exception cref="CaKeyUnavailableException">The token cannot sign now.</exception>
    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => SignDigest(Hash(data, hashAlgorithm), hashAlgorithm);

    /// <summary>Signs a digest of <paramref name="hashAlgorithm"/>: the token gets only the digest either way (ADR 0018).</summary>
    /// <exception cref="CaKeyUnavailableException">The token cannot sign now.</exception>
    public byte[] SignDigest(byte[] digest, HashAlgorithmName hashAlgorithm)
    {
        var input = _isEc ? digest : DigestInfo(hashAlgorithm, digest);
        var signature = _token.Use(session =>
        {
            var generation = _token.Generation;
            if (_key is not { } known || known.Generation != generation)
            {
                var found = Pkcs11Keys.FindPrivateKey(session, _id)
                    ?? throw new Pkcs11TokenException($"the CA's private key (CKA_ID {Convert.ToHexString(_id)}) is not in token '{_token.Label}'");
                _key = known = (found, generation);
            }
            try
            {
                var mechanism = session.Factories.MechanismFactory.Create(_isEc ? CKM.CKM_ECDSA : CKM.CKM_RSA_PKCS);
                return session.Sign(mechanism, known.Handle, input);
            }
            catch (Exception ex) when (Pkcs11Token.IsTokenFailure(ex))
            {
                _key = null;
                throw;
            }
        });
        return _isEc ? ToDerSequence(signature) : signature;
    }

    protected override PublicKey BuildPublicKey() => _publicKey;

    private static byte[] Hash(byte[] data, HashAlgorithmName hashAlgorithm) => hashAlgorithm.Name switch
    {
        "SHA256" => SHA256.HashData(data),
        "SHA384" => SHA384.HashData(data),
        "SHA512" => SHA512.HashData(data),
        _ => throw new CryptographicException($"hash algorithm {hashAlgorithm.Name} is not supported for CA signatures"),
    };

    // RFC 8017 §9.2 note 1: the DER prefixes of DigestInfo for SHA-256/384/512.
    private static byte[] DigestInfo(HashAlgorithmName hashAlgorithm, byte[] digest)
    {
        var prefix = hashAlgorithm.Name switch
        {
            "SHA256" => "3031300D060960864801650304020105000420",
            "SHA384" => "3041300D060960864801650304020205000430",
            _ => "3051300D060960864801650304020305000440",
        };
        return [.. Convert.FromHexString(prefix), .. digest];
    }

    private static byte[] ToDerSequence(byte[] rs)
    {
        var half = rs.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(TrimLeadingZeros(rs.AsSpan(0, half)));
            writer.WriteIntegerUnsigned(TrimLeadingZeros(rs.AsSpan(half)));
        }
        return writer.Encode();
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
            start++;
        return value[start..];
    }
}
