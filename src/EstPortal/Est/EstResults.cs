using System.Text;
using EstPortal.Est.Framing;

namespace EstPortal.Est;

/// <summary>
/// Every EST answer is written here, with an explicit Content-Length: strongSwan's pki rejects chunked responses,
/// and a fixed length costs nothing for bodies this small.
/// </summary>
internal sealed class EstResult(int statusCode, string contentType, byte[] body, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public int StatusCode => statusCode;
    public string ContentType => contentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
                response.Headers[name] = value;
        }
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}

internal static class EstResults
{
    /// <summary>A base64 body. RFC 8951 §3.2 makes Content-Transfer-Encoding meaningless; libest still looks for it.</summary>
    public static EstResult Base64(string contentType, ReadOnlySpan<byte> der, bool wrapAt64 = false) =>
        new(StatusCodes.Status200OK, contentType, Encoding.ASCII.GetBytes(EstBase64.Encode(der, wrapAt64)),
            new Dictionary<string, string> { ["Content-Transfer-Encoding"] = "base64" });

    /// <summary>RFC 7030 §4.2.3: errors carry a human-readable text/plain reason.</summary>
    public static EstResult Error(int statusCode, string reason, IReadOnlyDictionary<string, string>? headers = null) =>
        new(statusCode, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(reason + "\n"), headers);

    public static EstResult Unauthorized(string realm, string reason) =>
        Error(StatusCodes.Status401Unauthorized, reason,
            new Dictionary<string, string> { ["WWW-Authenticate"] = $"Basic realm=\"{realm}\", charset=\"UTF-8\"" });
}
