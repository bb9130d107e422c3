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
    // RFC 7030 §4.4.1.1 / §4.4.1.2 request attributes.
    private const string DecryptKeyIdentifierOid = "1.2.840.113549.1.9.16.2.37";
    private const string AsymmetricDecryptKeyIdentifierOid = "1.2.840.113549.1.9.16.2.54";

    public ServerKeyIssuanceResult Issue(ICaSigner ca, CertificateRequest csr, PolicyDecision decision, ServerKeyGenerationPolicy policy, X509Certificate2? clientCertificate)
    {
        var attributes = csr.OtherRequestAttributes.Select(a => a.Oid?.Value).ToHashSet();
        if (attributes.Contains(DecryptKeyIdentifierOid))
            throw new IssuanceRefusedException("symmetric key encryption (DecryptKeyIdentifier, RFC 7030 §4.4.1.1) is not supported; ask for AsymmetricDecryptKeyIdentifier or omit it");
        var encrypt = policy.RequireEncryption || attributes.Contains(AsymmetricDecryptKeyIdentifierOid);
        if (encrypt && clientCertificate is null)
            throw new IssuanceRefusedException("an encrypted server-generated key is returned only to a TLS client certificate, which this request did not present (RFC 7030 §4.4.1.2)");

        if (!ServerKeyType.TryParse(policy.KeyType, out var keyType))
            throw new IssuanceRefusedException($"the profile's server key type '{policy.KeyType}' is not supported");

        using var key = generator.Generate(keyType);
        var issued = issuer.Issue(ca, revocationUrls.ApplyTo(new IssuanceRequest(
            ServerGeneratedKeyRequest.Create(csr, key), decision.Subject,
            decision.SubjectAltName is null ? null : [decision.SubjectAltName], decision.Validity, decision.KeyPurpose.ToCertificatePurpose()), ca.CaId));

        var content = encrypt
            ? ServerGeneratedKeyEnvelope.SignedBy(ca).Encrypt(key.Pkcs8, clientCertificate!)
            : key.Pkcs8.ToArray();
        return new ServerKeyIssuanceResult(issued, new ServerGeneratedKey(content, encrypt));
    }
}
