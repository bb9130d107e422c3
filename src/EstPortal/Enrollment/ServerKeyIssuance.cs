using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using EstPortal.Policy;

namespace EstPortal.Enrollment;

public sealed record ServerKeyIssuanceResult(IssuedCertificateResult Issued, ServerGeneratedKey Key);

/// <summary>
/// RFC 7030 §4.4 serverkeygen: generate the key the policy names, certify it with the subject and SANs the policy
/// decided, and return the private key — as PKCS#8 protected by TLS, or encrypted to the client's TLS certificate
/// when the CSR asks for it (§4.4.1.2) or the policy requires it. No copy of the key is kept: it lives in memory only
/// until the response is built.
/// </summary>
public sealed class ServerKeyIssuance(ServerKeyGenerator generator, CertificateIssuer issuer, RevocationUrls revocationUrls)
{
    // RFC 7030 §4.4.1.1 request attribute (RFC 4108 §2.2.5 id-aa-decryptKeyID).
    private const string DecryptKeyIdentifierOid = "1.2.840.113549.1.9.16.2.37";

    public ServerKeyIssuanceResult Issue(ICaSigner ca, CertificateRequest csr, PolicyDecision decision, ServerKeyGenerationPolicy policy, X509Certificate2? clientCertificate)
    {
        var attributes = csr.OtherRequestAttributes.Select(a => a.Oid?.Value).ToHashSet();
        if (attributes.Contains(DecryptKeyIdentifierOid))
            throw new IssuanceRefusedException("symmetric key encryption (DecryptKeyIdentifier, RFC 7030 §4.4.1.1) is not supported; ask for AsymmetricDecryptKeyIdentifier or omit it");
        var keyIdentifier = csr.OtherRequestAttributes.FirstOrDefault(a => a.Oid?.Value == AsymmetricDecryptKeyIdentifier.Oid);
        var encrypt = policy.RequireEncryption || keyIdentifier is not null;
        if (encrypt && clientCertificate is null)
            throw new IssuanceRefusedException("an encrypted server-generated key is returned only to a TLS client certificate, which this request did not present (RFC 7030 §4.4.1.2)");
        // RFC 7030 §4.4.1.2: the identifier names the key the client will decrypt with. We encrypt to the TLS client
        // certificate, so the identifier must name that certificate's key; otherwise the device could not open the answer.
        if (keyIdentifier is not null && AsymmetricDecryptKeyIdentifier.Mismatch(keyIdentifier, clientCertificate!) is { } mismatch)
            throw new IssuanceRefusedException(mismatch);

        if (!ServerKeyType.TryParse(policy.KeyType, out var keyType))
            throw new IssuanceRefusedException($"the profile's server key type '{policy.KeyType}' is not supported");

        using var key = generator.Generate(keyType);
        var issued = issuer.Issue(ca, revocationUrls.ApplyTo(new IssuanceRequest(
            ServerGeneratedKeyRequest.Create(csr, key), decision.Subject,
            decision.SubjectAltName is null ? null : [decision.SubjectAltName], decision.Validity, decision.KeyPurpose.ToCertificatePurpose()), ca.CaId));

        // The copy handed on is owned by ServerGeneratedKey, which the EST layer zeroes after writing the response; the
        // generated key's own PKCS#8 buffer is zeroed here, when `key` is disposed.
        var content = encrypt
            ? ServerGeneratedKeyEnvelope.SignedBy(ca).Encrypt(key.Pkcs8, clientCertificate!)
            : key.Pkcs8.ToArray();
        return new ServerKeyIssuanceResult(issued, new ServerGeneratedKey(content, encrypt));
    }
}
