using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EstPortal.Bench.Load;

/// <summary>One /simpleenroll over HTTPS with a device's credential, for the modes that need issued certificates first.</summary>
internal static class EstEnrollment
{
    public static async Task<X509Certificate2> EnrollAsync(HttpClient client, (string Name, string Secret) device, string csr)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll") { Content = new StringContent(csr, Encoding.ASCII) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{device.Name}:{device.Secret}")));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"enrollment failed: {(int)response.StatusCode} {body}");
        // RFC 7030 §4.2.3: base64 certs-only PKCS#7, ContentInfo { OID, [0] { SignedData { version, digestAlgorithms,
        // encapContentInfo, [0] IMPLICIT certificates } } }.
        var signedData = new AsnReader(Convert.FromBase64String(body), AsnEncodingRules.BER).ReadSequence();
        signedData.ReadObjectIdentifier();
        var content = signedData.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        content.ReadInteger();
        content.ReadSetOf();
        content.ReadSequence();
        var certificates = content.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        return X509CertificateLoader.LoadCertificate(certificates.ReadEncodedValue().Span);
    }
}
