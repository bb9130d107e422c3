using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Ocsp;

namespace EstPortal.Pki;

/// <summary>Finds which of our CAs a CertID names (RFC 6960 §4.1.1).</summary>
internal static class OcspIssuerMatcher
{
    /// <summary>The CA whose name and key hashes the CertID carries, or null (also for a hash we do not support).</summary>
    public static ICaSigner? Find(CertificateID id, IEnumerable<ICaSigner> cas)
    {
        if (HashFor(id.HashAlgOid) is not { } hash)
        {
            return null;
        }

        var nameHash = id.GetIssuerNameHash();
        var keyHash = id.GetIssuerKeyHash();
        return cas.FirstOrDefault(ca =>
            CryptographicOperations.HashData(hash, ca.Certificate.SubjectName.RawData).AsSpan().SequenceEqual(nameHash)
            && KeyHash(ca.Certificate, hash).AsSpan().SequenceEqual(keyHash));
    }

    /// <summary>
    /// RFC 6960 §4.1.1 issuerKeyHash (and §4.2.1 responderID byKey): the hash of the subjectPublicKey BIT STRING's
    /// value, without tag, length and unused-bits octet, which is exactly what <c>EncodedKeyValue</c> holds.
    /// </summary>
    public static byte[] KeyHash(X509Certificate2 ca, HashAlgorithmName hash) =>
        CryptographicOperations.HashData(hash, ca.PublicKey.EncodedKeyValue.RawData);

    // RFC 6960 §4.3 requires SHA-1 support (still what openssl sends by default); RFC 5019 §2.1.1 clients may use
    // SHA-256. SHA-384/512 cost nothing extra to accept.
    private static HashAlgorithmName? HashFor(string oid) => oid switch
    {
        "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };
}
