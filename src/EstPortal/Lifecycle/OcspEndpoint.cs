using EstPortal.Est;
using EstPortal.Pki;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Lifecycle;

/// <summary>OCSP over HTTP (RFC 6960 Appendix A): POST of a DER request, or GET with the request in the path.</summary>
internal static class OcspEndpoint
{
    public const string RequestMediaType = "application/ocsp-request";
    public const string ResponseMediaType = "application/ocsp-response";

    /// <summary>A request for a handful of certificates is a few hundred octets; anything near this is not OCSP.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    public static async Task<IResult> PostAsync(HttpContext context, OcspService ocsp, OcspRateLimiter limiter, TimeProvider time)
    {
        if (limiter.Check(context) is { } refused)
            return refused;

        // RFC 6960 A.1: the POST body is the DER request, typed application/ocsp-request. A missing type is tolerated
        // (some embedded clients omit it); a different one is a different protocol.
        var contentType = context.Request.ContentType;
        if (contentType is not null
            && !(MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals(RequestMediaType, StringComparison.OrdinalIgnoreCase)))
        {
            return EstResults.Error(StatusCodes.Status415UnsupportedMediaType, $"an OCSP request is sent as {RequestMediaType} (RFC 6960 A.1)");
        }

        var body = await ReadBoundedAsync(context.Request, context.RequestAborted);
        if (body is null)
            return EstResults.Error(StatusCodes.Status413PayloadTooLarge, $"an OCSP request is at most {MaxRequestBytes} octets here");
        return Answer(await ocsp.AnswerAsync(body, context.RequestAborted), context.Response, time, cacheable: false);
    }

    public static async Task<IResult> GetAsync(HttpContext context, string? request, OcspService ocsp, OcspRateLimiter limiter, TimeProvider time)
    {
        if (limiter.Check(context) is { } refused)
            return refused;

        // RFC 6960 A.1: GET {url}/{url-encoding of base64 encoding of the DER request}. Undecodable input is a
        // malformed request, answered in OCSP terms (RFC 6960 §2.3) like a bad POST body.
        if (!OcspGetRequest.TryDecode(request, out var der))
            return Answer(OcspService.Failure(OcspResponseStatus.MalformedRequest, "GET path is not base64 of a DER request"), context.Response, time, cacheable: false);
        return Answer(await ocsp.AnswerAsync(der, context.RequestAborted), context.Response, time, cacheable: true);
    }

    private static IResult Answer(OcspResponderResult result, HttpResponse response, TimeProvider time, bool cacheable)
    {
        // RFC 5019 §6.2: a GET answer may be cached until its nextUpdate; the URL is the request (nonce included),
        // so a cache only ever replays an answer to the identical question. Unsuccessful answers are not cached.
        if (cacheable && result.NextUpdate is { } nextUpdate)
        {
            RevocationEndpoints.SetCaching(response, nextUpdate - time.GetUtcNow(), nextUpdate);
        }
        else
        {
            response.Headers.CacheControl = "no-store";
        }

        // RFC 6960 A.2: the HTTP status is 200 whatever the OCSP responseStatus; the client reads that from the body.
        return TypedResults.Bytes(result.ResponseDer, ResponseMediaType);
    }

    /// <summary>The body, or null when it exceeds <see cref="MaxRequestBytes"/> (by Content-Length or while reading).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxRequestBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
