using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace EstPortal.Tests.Pki;

/// <summary>OCSP requests as a client library would build them, and response decoding, for tests.</summary>
internal static class OcspTestRequests
{
    public const string Sha1 = "1.3.14.3.2.26";
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";

    public static CertificateID CertId(X509Certificate2 issuer, byte[] serial, string hashOid = Sha1) =>
        new(new AlgorithmIdentifier(new DerObjectIdentifier(hashOid), DerNull.Instance), Bc(issuer), new BigInteger(1, serial));

    public static byte[] Build(IEnumerable<CertificateID> ids, byte[]? nonce = null)
    {
        var generator = new OcspReqGenerator();
        foreach (var id in ids)
        {
            generator.AddRequest(id);
        }

        if (nonce is not null)
        {
            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(OcspObjectIdentifiers.PkixOcspNonce, false, new DerOctetString(nonce));
            generator.SetRequestExtensions(extensions.Generate());
        }

        return generator.Generate().GetEncoded();
    }

    public static byte[] Build(X509Certificate2 issuer, byte[] serial, string hashOid = Sha1, byte[]? nonce = null) =>
        Build([CertId(issuer, serial, hashOid)], nonce);

    /// <summary>The signed body of a successful response, after checking its signature with <paramref name="signer"/>.</summary>
    public static BasicOcspResp VerifiedBasic(byte[] responseDer, X509Certificate2 signer)
    {
        var response = new OcspResp(responseDer);
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        var basic = Assert.IsType<BasicOcspResp>(response.GetResponseObject());
        Assert.True(basic.Verify(Bc(signer).GetPublicKey()), "the response signature does not verify with the CA key");
        return basic;
    }

    public static X509Certificate Bc(X509Certificate2 certificate) => new X509CertificateParser().ReadCertificate(certificate.RawData);
}
