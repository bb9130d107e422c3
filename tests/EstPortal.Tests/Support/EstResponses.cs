using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;

namespace EstPortal.Tests.Support;

/// <summary>Reads EST answers the way a strict client does.</summary>
public static class EstResponses
{
    /// <summary>Decodes a base64 certs-only PKCS#7 body (RFC 7030 §4.1.3 / §4.2.3) into its certificates.</summary>
    public static IReadOnlyList<X509Certificate2> ReadCertsOnly(string base64Body)
    {
        var der = Convert.FromBase64String(base64Body);
        var signedData = new CmsSignedData(der);
        Assert.Empty(signedData.GetSignerInfos().GetSigners());
        return signedData.GetCertificates().EnumerateMatches(null)
            .Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded()))
            .ToList();
    }

    public static async Task<X509Certificate2> ReadIssuedCertificateAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {body}");
        return Assert.Single(ReadCertsOnly(body));
    }
}
