using System.Globalization;
using System.Text;
using EstPortal.Enrollment;
using EstPortal.Est.Framing;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Est;

/// <summary>
/// Every EST answer is written here, with an explicit Content-Length: strongSwan's pki rejects chunked responses,
/// and a fixed length costs nothing for bodies this small.
/// </summary>
internal sealed class EstResult(int statusCode, string? contentType, byte[] body, IEnumerable<KeyValuePair<string, string>>? headers = null) : IResult
{
    public int StatusCode => statusCode;
    public string? ContentType => contentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        if (contentType is not null)
            response.ContentType = contentType;
        response.ContentLength = body.Length;
        if (headers is not null)
        {
            // Appended: a 401 carries two WWW-Authenticate fields (RFC 9110 §11.6.1).
            foreach (var (name, value) in headers)
                response.Headers.Append(name, value);
        }
        if (body.Length > 0)
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}

internal static class EstResults
{
    private static readonly IReadOnlyDictionary<string, string> Base64Encoded =
        new Dictionary<string, string> { ["Content-Transfer-Encoding"] = "base64" };

    /// <summary>
    /// A base64 body: no line breaks by default (RFC 8951 §3.2, RFC 4648 — strongSwan cannot decode wrapped base64), or
    /// 64-character lines for profiles serving libest clients. RFC 8951 makes Content-Transfer-Encoding meaningless;
    /// libest still looks for it.
    /// </summary>
    public static EstResult Base64(int statusCode, string contentType, ReadOnlySpan<byte> der, bool wrapAt64) =>
        new(statusCode, contentType, Encoding.ASCII.GetBytes(EstBase64.Encode(der, wrapAt64)), Base64Encoded);

    /// <summary>RFC 7030 §4.4.2: the key and the certificate as the two parts of a multipart/mixed body.</summary>
    public static EstResult ServerGeneratedKey(ServerGeneratedKey key, byte[] certsOnlyPkcs7, bool wrapAt64)
    {
        var multipart = MultipartMixedWriter.WriteServerKeygenResponse(
            key.Content, key.Encrypted ? ServerKeyPartFormat.EncryptedCms : ServerKeyPartFormat.Pkcs8, certsOnlyPkcs7, wrapAt64);
        return new(StatusCodes.Status200OK, multipart.ContentType, multipart.Body);
    }

    public static EstResult NoContent() => new(StatusCodes.Status204NoContent, null, []);

    /// <summary>RFC 7030 §4.2.3: errors carry a human-readable text/plain reason.</summary>
    public static EstResult Error(int statusCode, string reason, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        new(statusCode, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(reason + "\n"), headers);

    /// <summary>
    /// RFC 7030 §3.2.3 / RFC 9110 §11.6.1: a 401 offers every scheme that can authenticate an enrollment — Basic (RFC 7617;
    /// a device credential or a bootstrap token as password) and Bearer (RFC 6750; a bootstrap token) — as two
    /// WWW-Authenticate fields. libest's client reads only the first, so <paramref name="bearerFirst"/> picks the order.
    /// </summary>
    public static EstResult Unauthorized(string realm, string reason, bool bearerFirst = false)
    {
        var basic = new KeyValuePair<string, string>(HeaderNames.WWWAuthenticate, $"Basic realm=\"{realm}\", charset=\"UTF-8\"");
        var bearer = new KeyValuePair<string, string>(HeaderNames.WWWAuthenticate, $"Bearer realm=\"{realm}\"");
        return Error(StatusCodes.Status401Unauthorized, reason, bearerFirst ? [bearer, basic] : [basic, bearer]);
    }

    /// <summary>RFC 6585 §4: over a rate limit, with Retry-After in seconds.</summary>
    public static EstResult TooManyRequests(string reason, int retryAfterSeconds) =>
        Error(StatusCodes.Status429TooManyRequests, $"{reason}; retry after {retryAfterSeconds} seconds",
            [new(HeaderNames.RetryAfter, retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]);
}
