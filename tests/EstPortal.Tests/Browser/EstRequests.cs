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

    /// <summary>The database keeps serials without a leading zero byte; certificates may carry one.</summary>
    public static string NormalizeSerial(string hex) => hex.Trim().TrimStart('0').ToUpperInvariant();
}
