using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using EstPortal.Est.Framing;
using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EstPortal.Est;

/// <summary>
/// RFC 7030 §3.2.2 operation paths under /.well-known/est. Handlers only frame: they read and decode the body,
/// hand the request to <see cref="EnrollmentService"/>, and turn its outcome into HTTP.
/// </summary>
internal static class EstEndpoints
{
    public const string PathPrefix = "/.well-known/est";

    public static void MapEst(this IEndpointRouteBuilder app)
    {
        var est = app.MapGroup(PathPrefix).DisableAntiforgery().AddEndpointFilter(AnswerFaultsAsText);
        est.MapGet("/cacerts", GetCaCertsAsync);
        est.MapPost("/simpleenroll", (HttpContext context, EnrollmentService enrollment, IOptions<EstPortalOptions> options) =>
            EnrollAsync(EnrollmentKind.Enroll, context, enrollment, options.Value));
        est.MapPost("/simplereenroll", (HttpContext context, EnrollmentService enrollment, IOptions<EstPortalOptions> options) =>
            EnrollAsync(EnrollmentKind.Reenroll, context, enrollment, options.Value));
    }

    /// <summary>
    /// A fault of ours still answers like EST (text/plain, Content-Length), never the portal's HTML error page and
    /// never a stack trace; the details go to the log.
    /// </summary>
    private static async ValueTask<object?> AnswerFaultsAsText(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EstEndpoints))
                .LogError(ex, "EST request {Path} failed", context.HttpContext.Request.Path);
            return EstResults.Error(StatusCodes.Status500InternalServerError, "internal error; the request was not completed");
        }
    }

    /// <summary>RFC 7030 §4.1: the CA certificates, no authentication required, as a certs-only PKCS#7.</summary>
    private static async Task<IResult> GetCaCertsAsync(CertificateAuthorities cas, CancellationToken cancellationToken)
    {
        var ca = await cas.FindDefaultAsync(cancellationToken);
        if (ca is null)
            return EstResults.Error(StatusCodes.Status503ServiceUnavailable, "no certificate authority is configured");
        return EstResults.Base64(EstMediaTypes.Pkcs7Mime, CertsOnlyPkcs7.Encode(CertificateAuthorities.ChainOf(ca)));
    }

    /// <summary>RFC 7030 §4.2.1 / §4.2.2: a PKCS#10 request in, the issued certificate as certs-only PKCS#7 out.</summary>
    private static async Task<IResult> EnrollAsync(EnrollmentKind kind, HttpContext context, EnrollmentService enrollment, EstPortalOptions options)
    {
        var (body, tooLarge) = await ReadBodyAsync(context, options.MaxRequestBodyBytes);
        if (tooLarge)
            return EstResults.Error(StatusCodes.Status413PayloadTooLarge, $"the request body exceeds {options.MaxRequestBodyBytes} bytes");

        byte[]? der = null;
        string? framingError = null;
        try
        {
            der = EstBodyDecoder.Decode(body);
        }
        catch (EstFramingException ex)
        {
            framingError = ex.Message;
        }

        var credentials = new PresentedCredentials(
            BasicCredentials.Parse(context.Request.Headers.Authorization),
            context.Connection.ClientCertificate);
        var result = await enrollment.EnrollAsync(
            new EnrollmentRequest(kind, credentials, der, framingError, context.Connection.RemoteIpAddress?.ToString()),
            context.RequestAborted);

        return result switch
        {
            { Certificate: { } certificate } => EstResults.Base64(EstMediaTypes.Pkcs7CertsOnly, CertsOnlyPkcs7.Encode([certificate])),
            { Failure: EnrollmentFailure.Unauthenticated } => EstResults.Unauthorized(options.Realm, result.Reason!),
            { Failure: EnrollmentFailure.Forbidden } => EstResults.Error(StatusCodes.Status403Forbidden, result.Reason!),
            _ => EstResults.Error(StatusCodes.Status400BadRequest, result.Reason!),
        };
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; a larger body is reported, not read to its end.</summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
            return ([], true);
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit;

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                    return ([], true);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], true);
        }
        return (buffer.ToArray(), false);
    }
}
