using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>Key objects in a token: generating a CA key pair inside it, finding keys again, reading public keys.</summary>
internal static class Pkcs11Keys
{
    // RFC 5480 §2.1.1.1 named curves, DER-encoded as CKA_EC_PARAMS expects (PKCS#11 v2.40 §2.3.3).
    private static readonly byte[] P256 = Convert.FromHexString("06082A8648CE3D030107");
    private static readonly byte[] P384 = Convert.FromHexString("06052B81040022");

    /// <summary>
    /// Generates a key pair in the token: the private key is a token object (CKA_TOKEN), usable only after login
    /// (CKA_PRIVATE), never revealed (CKA_SENSITIVE) and never exportable, wrapped or not (CKA_EXTRACTABLE false), for
    /// signing only. Label and a random 16-byte CKA_ID name it, so it is found again after a restart.
    /// </summary>
    public static (IObjectHandle PrivateKey, byte[] Id) Generate(ISession session, CaKeyAlgorithm algorithm, string label)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var id = RandomNumberGenerator.GetBytes(16);
        var isEc = algorithm is CaKeyAlgorithm.EcP256 or CaKeyAlgorithm.EcP384;
        var publicTemplate = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, false),
            f.Create(CKA.CKA_VERIFY, true),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, id),
        };
        if (isEc)
        {
            publicTemplate.Add(f.Create(CKA.CKA_EC_PARAMS, algorithm == CaKeyAlgorithm.EcP384 ? P384 : P256));
        }
        else
        {
            publicTemplate.Add(f.Create(CKA.CKA_MODULUS_BITS, (ulong)RsaBits(algorithm)));
            publicTemplate.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
        }
        var privateTemplate = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_SIGN, true),
            f.Create(CKA.CKA_DECRYPT, false),
            f.Create(CKA.CKA_UNWRAP, false),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, id),
        };
        var mechanism = session.Factories.MechanismFactory.Create(isEc ? CKM.CKM_EC_KEY_PAIR_GEN : CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
        session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out _, out var privateKey);
        return (privateKey, id);
    }

    public static IObjectHandle? FindPrivateKey(ISession session, byte[] id) =>
        Find(session, CKO.CKO_PRIVATE_KEY, CKA.CKA_ID, id).SingleOrDefault();

    public static List<IObjectHandle> FindPrivateKeys(ISession session, string label) =>
        Find(session, CKO.CKO_PRIVATE_KEY, CKA.CKA_LABEL, label);

    public static byte[] Id(ISession session, IObjectHandle key) =>
        session.GetAttributeValue(key, [CKA.CKA_ID])[0].GetValueAsByteArray();

    /// <summary>
    /// The public key of the key pair <paramref name="id"/>, from its public key object (the private key object of an
    /// RSA key carries modulus and exponent too, so that works when the public object was deleted).
    /// </summary>
    public static PublicKey ReadPublicKey(ISession session, byte[] id)
    {
        var handle = Find(session, CKO.CKO_PUBLIC_KEY, CKA.CKA_ID, id).FirstOrDefault()
            ?? throw new Pkcs11TokenException("the key's public key object is not in the token");
        var type = (CKK)session.GetAttributeValue(handle, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        if (type == CKK.CKK_EC)
        {
            var attributes = session.GetAttributeValue(handle, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
            var curveOid = new AsnReader(attributes[0].GetValueAsByteArray(), AsnEncodingRules.DER).ReadObjectIdentifier();
            // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point (PKCS#11 v2.40 §2.3.3).
            var point = new AsnReader(attributes[1].GetValueAsByteArray(), AsnEncodingRules.DER).ReadOctetString();
            var size = (point.Length - 1) / 2;
            using var ec = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.CreateFromValue(curveOid),
                Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] },
            });
            return PublicKey.CreateFromSubjectPublicKeyInfo(ec.ExportSubjectPublicKeyInfo(), out _);
        }
        if (type == CKK.CKK_RSA)
        {
            var attributes = session.GetAttributeValue(handle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            using var rsa = RSA.Create(new RSAParameters
            {
                Modulus = attributes[0].GetValueAsByteArray(),
                Exponent = attributes[1].GetValueAsByteArray(),
            });
            return PublicKey.CreateFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
        }
        throw new Pkcs11TokenException($"the key has type {type}; only EC and RSA CA keys are supported");
    }

    private static List<IObjectHandle> Find(ISession session, CKO objectClass, CKA attribute, object value)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, objectClass),
            value is string text ? f.Create(attribute, text) : f.Create(attribute, (byte[])value),
        };
        return session.FindAllObjects(template);
    }

    private static int RsaBits(CaKeyAlgorithm algorithm) => algorithm switch
    {
        CaKeyAlgorithm.Rsa2048 => 2048,
        CaKeyAlgorithm.Rsa3072 => 3072,
        CaKeyAlgorithm.Rsa4096 => 4096,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not an RSA key type"),
    };
}
