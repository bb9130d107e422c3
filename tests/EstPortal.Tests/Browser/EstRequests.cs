using System.Net.Http.Headers;
using System.Text;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Browser;

/// <summary>What a device does with the credentials an operator read off the portal.</summary>
internal static class EstRequests
{
    public static async Task<HttpResponseMessage> SimpleEnrollAsync(HttpClient client, TestCsr csr, string user, string password)
    {
        var content = new StringContent(csr.Base64, Encoding.ASCII);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Upper-case hex of the serial's octets, as the portal shows it. Only whole octets are significant: a serial
    /// such as 0x0F… keeps its leading zero digit (trimming single '0' characters made 1 run in 16 fail).
    /// </summary>
    public static string NormalizeSerial(string hex) => hex.Trim().ToUpperInvariant();
}
