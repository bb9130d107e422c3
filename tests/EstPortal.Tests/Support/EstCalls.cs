using System.Net.Http.Headers;
using System.Text;

namespace EstPortal.Tests.Support;

/// <summary>EST requests as a scripted client sends them.</summary>
public static class EstCalls
{
    public const string Pkcs10 = "application/pkcs10";

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body, AuthenticationHeaderValue? auth, string? contentType = Pkcs10)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.ASCII) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = auth;
        return await client.SendAsync(request);
    }
}
