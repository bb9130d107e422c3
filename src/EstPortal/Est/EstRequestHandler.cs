using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using EstPortal.Est.Framing;
using EstPortal.Hosting;
using EstPortal.Pki;
using EstPortal.Policy;
using EstPortal.Transport;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Est;

/// <summary>
/// One EST request: operation and method → profile (label) → rate limit → media type → body → the enrollment
/// pipeline → HTTP. Framing only; every decision is made in Enrollment/ and every signature in Pki/.
/// </summary>
internal sealed class EstRequestHandler(
    EnrollmentProfiles profiles,
    CertificateAuthorities cas,
    EnrollmentService enrollment,
    EstRateLimiter rateLimiter,
    IOptions<EstPortalOptions> options)
{
    public async Task<IResult> HandleAsync(HttpContext context, string? label, string operation)
    {
        if (!EstOperations.Methods.TryGetValue(operation, out var method))
            return EstResults.Error(StatusCodes.Status404NotFound, $"'{operation}' is not an EST operation");
        if (!HttpMethods.Equals(context.Request.Method, method))
        {
            return EstResults.Error(StatusCodes.Status405MethodNotAllowed, $"{operation} takes {method}",
                new Dictionary<string, string> { [HeaderNames.Allow] = method });
        }

        var profile = await profiles.ResolveAsync(label, context.RequestAborted);
        if (profile is null)
            return EstResults.Error(StatusCodes.Status404NotFound, label is null ? "no default EST profile is configured" : $"no EST profile is labelled '{label}'");

        if (rateLimiter.Check(context) is { } limited)
            return limited;

        return operation switch
        {
            EstOperations.CaCerts => await CaCertsAsync(profile, context.RequestAborted),
            EstOperations.CsrAttrs => CsrAttrs(profile),
            // RFC 7030 §4.3: Full CMC is optional; we say so plainly.
            EstOperations.FullCmc => EstResults.Error(StatusCodes.Status501NotImplemented, "fullcmc (RFC 7030 §4.3) is not supported by this server"),
            EstOperations.SimpleEnroll => await EnrollAsync(EnrollmentKind.Enroll, profile, context),
            EstOperations.SimpleReenroll => await EnrollAsync(EnrollmentKind.Reenroll, profile, context),
            _ => await EnrollAsync(EnrollmentKind.ServerKeyGen, profile, context),
        };
    }

    /// <summary>RFC 7030 §4.1: the CA certificates, no authentication required, as a certs-only PKCS#7.</summary>
    private async Task<IResult> CaCertsAsync(ResolvedProfile profile, CancellationToken cancellationToken)
    {
        var caCerts = await cas.CaCertsAsync(profile.CertificateAuthorityId, cancellationToken);
        if (caCerts is null)
            return EstResults.Error(StatusCodes.Status503ServiceUnavailable, "the profile's certificate authority is not available");
        return EstResults.Base64(StatusCodes.Status200OK, EstMediaTypes.Pkcs7Mime, caCerts, profile.WrapBase64Lines);
    }

    /// <summary>RFC 7030 §4.5 (RFC 9908): what the profile's policy wants in a CSR; 204 when it wants nothing.</summary>
    private static IResult CsrAttrs(ResolvedProfile profile)
    {
        var der = CsrAttributesBuilder.Build(profile.Policy);
        return der is null
            ? EstResults.NoContent()
            : EstResults.Base64(StatusCodes.Status200OK, EstMediaTypes.CsrAttrs, der, profile.WrapBase64Lines);
    }

    private async Task<IResult> EnrollAsync(EnrollmentKind kind, ResolvedProfile profile, HttpContext context)
    {
        // RFC 7030 §4.2.1: the body is an application/pkcs10. A request that names another type is refused; one that
        // names none is read anyway, since several scripted clients omit the header.
        if (context.Request.ContentType is { } contentType && !IsPkcs10(contentType))
        {
            return EstResults.Error(StatusCodes.Status415UnsupportedMediaType, $"the request body must be {EstMediaTypes.Pkcs10}, not '{contentType}'");
        }

        var limit = options.Value.MaxRequestBodyBytes;
        var (body, refusal) = await ReadBodyAsync(context, limit);
        if (refusal is not null)
            return refusal;

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

        var credentials = PresentedCredentials.From(context.Request.Headers.Authorization, context.Connection.ClientCertificate)
            with { ClientChain = Transport.ClientCertificateChains.Of(context.Connection.ClientCertificate) };
        // Through a TLS-terminating proxy the TLS session is the proxy's: its tls-unique is not the device's.
        var throughProxy = context.Features.Get<ForwardedByTrustedProxy>() is not null;
        var result = await enrollment.EnrollAsync(
            new EnrollmentRequest(kind, profile, credentials, der, framingError, context.Connection.RemoteIpAddress?.ToString(),
                throughProxy ? null : TlsChannelBinding.TlsUnique(context), throughProxy),
            context.RequestAborted);
        return ToHttp(result, profile, kind);
    }

    private IResult ToHttp(EnrollmentResult result, ResolvedProfile profile, EnrollmentKind kind) => result switch
    {
        { CertificateDer: { } certificate, Key: { } key } => EstResults.ServerGeneratedKey(key, CertsOnlyPkcs7.EncodeDer([certificate]), profile.WrapBase64Lines),
        { CertificateDer: { } certificate } => EstResults.Base64(StatusCodes.Status200OK, EstMediaTypes.Pkcs7CertsOnly, CertsOnlyPkcs7.EncodeDer([certificate]), profile.WrapBase64Lines),
        // Over the failed-authentication or per-credential limit (ADR 0005).
        { Failure: EnrollmentFailure.TooManyRequests, RetryAfterSeconds: { } wait } => EstResults.TooManyRequests(result.Reason!, wait),
        // RFC 7030 §4.2.3: 202 with Retry-After as delta-seconds (strongSwan's pki reads it as an integer).
        { Failure: null, RetryAfterSeconds: { } retryAfter } => EstResults.Error(StatusCodes.Status202Accepted, result.Reason!,
            new Dictionary<string, string> { [HeaderNames.RetryAfter] = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        { Failure: EnrollmentFailure.Unauthenticated } => EstResults.Unauthenticated(kind, options.Value.Realm, result.Reason!, options.Value.FirstChallenge == "Bearer"),
        { Failure: EnrollmentFailure.Forbidden } => EstResults.Error(StatusCodes.Status403Forbidden, result.Reason!),
        // RFC 9110 §15.6.4: the CA key is unavailable for now; Retry-After says when to try again.
        { Failure: EnrollmentFailure.Unavailable, RetryAfterSeconds: { } wait } => EstResults.Error(StatusCodes.Status503ServiceUnavailable, result.Reason!,
            new Dictionary<string, string> { [HeaderNames.RetryAfter] = wait.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        _ => EstResults.Error(StatusCodes.Status400BadRequest, result.Reason!),
    };

    private static bool IsPkcs10(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals(EstMediaTypes.Pkcs10, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes; a larger body is reported (413), not read to its end. A body that
    /// stops arriving hits Kestrel's minimum data rate (MinRequestBodyDataRate): that is the client's failure, 408, not
    /// a fault of ours (RFC 9110 §15.5.9), and the connection is closed.
    /// </summary>
    private static async Task<(byte[] Body, IResult? Refusal)> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
            return ([], TooLarge(limit));
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
                    return ([], TooLarge(limit));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], TooLarge(limit));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return ([], EstResults.Error(StatusCodes.Status408RequestTimeout, "the request body did not arrive in time",
                new Dictionary<string, string> { [HeaderNames.Connection] = "close" }));
        }
        return (buffer.ToArray(), null);
    }

    private static EstResult TooLarge(int limit) =>
        EstResults.Error(StatusCodes.Status413PayloadTooLarge, $"the request body exceeds {limit} bytes");
}
