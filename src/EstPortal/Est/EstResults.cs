using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EstPortal.Enrollment;
using EstPortal.Est.Framing;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Est;

/// <summary>
/// Every EST answer is written here, with an explicit Content-Length: strongSwan's pki rejects chunked responses,
/// and a fixed length costs nothing for bodies this small.
/// </summary>
internal sealed class EstResult(int statusCode, string? contentType, byte[] body, IEnumerable<KeyValuePair<string, string>>? headers = null,
    IDisposable? secret = null) : IResult
{
    public int StatusCode => statusCode;
    public string? ContentType => contentType;

    /// <summary>The body as built; all zeros after <see cref="ExecuteAsync"/> when it held a secret.</summary>
    internal byte[] Body => body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            await WriteAsync(httpContext);
        }
        finally
        {
            // A body holding a secret (a server-generated private key) is zeroed once written or abandoned, and so is
            // the secret it was made from.
            if (secret is not null)
            {
                CryptographicOperations.ZeroMemory(body);
                secret.Dispose();
            }
        }
    }

    private async Task WriteAsync(HttpContext httpContext)
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

    /// <summary>
    /// RFC 7030 §4.4.2: the key and the certificate as the two parts of a multipart/mixed body. The result owns
    /// <paramref name="key"/>: it zeroes the key and the body after writing them.
    /// </summary>
    public static EstResult ServerGeneratedKey(ServerGeneratedKey key, byte[] certsOnlyPkcs7, bool wrapAt64)
    {
        var multipart = MultipartMixedWriter.WriteServerKeygenResponse(
            key.Content, key.Encrypted ? ServerKeyPartFormat.EncryptedCms : ServerKeyPartFormat.Pkcs8, certsOnlyPkcs7, wrapAt64);
        return new(StatusCodes.Status200OK, multipart.ContentType, multipart.Body, secret: key);
    }

    public static EstResult NoContent() => new(StatusCodes.Status204NoContent, null, []);

    /// <summary>RFC 7030 §4.2.3: errors carry a human-readable text/plain reason.</summary>
    public static EstResult Error(int statusCode, string reason, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        new(statusCode, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(reason + "\n"), headers);

    /// <summary>
    /// No usable credential. RFC 9110 §15.5.2: a 401 MUST carry a challenge the client can answer, so it is sent only
    /// where an HTTP scheme can authenticate the operation; where none can, the answer is 403 with the reason.
    /// </summary>
    public static EstResult Unauthenticated(EnrollmentKind operation, string realm, string reason, bool bearerFirst = false) =>
        ChallengesFor(operation, realm, bearerFirst) is { Count: > 0 } challenges
            ? Error(StatusCodes.Status401Unauthorized, reason, challenges)
            : Error(StatusCodes.Status403Forbidden, reason);

    /// <summary>
    /// The WWW-Authenticate challenges of an operation, none when no HTTP authentication scheme applies to it.
    /// simplereenroll is authenticated by the TLS client certificate being renewed and nothing else (RFC 7030 §4.2.2);
    /// a TLS client certificate has no HTTP scheme, and offering Basic there would invite a device to send its
    /// secret to an operation that can never accept it. simpleenroll and serverkeygen offer every scheme that can
    /// authenticate them (RFC 7030 §3.2.3, RFC 9110 §11.6.1) — Basic (RFC 7617, a device credential or a bootstrap
    /// token as password, with the UTF-8 charset parameter) and Bearer (RFC 6750, a bootstrap token) — as two
    /// WWW-Authenticate fields. libest's client reads only the first, so <paramref name="bearerFirst"/> picks the order.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ChallengesFor(EnrollmentKind operation, string realm, bool bearerFirst = false)
    {
        if (operation == EnrollmentKind.Reenroll)
            return [];
        var basic = new KeyValuePair<string, string>(HeaderNames.WWWAuthenticate, $"Basic realm=\"{realm}\", charset=\"UTF-8\"");
        var bearer = new KeyValuePair<string, string>(HeaderNames.WWWAuthenticate, $"Bearer realm=\"{realm}\"");
        return bearerFirst ? [bearer, basic] : [basic, bearer];
    }

    /// <summary>RFC 6585 §4: over a rate limit, with Retry-After in seconds.</summary>
    public static EstResult TooManyRequests(string reason, int retryAfterSeconds) =>
        Error(StatusCodes.Status429TooManyRequests, $"{reason}; retry after {retryAfterSeconds} seconds",
            [new(HeaderNames.RetryAfter, retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]);
}
