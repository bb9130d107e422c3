using System.Globalization;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Est;
using EstPortal.Pki;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Lifecycle;

/// <summary>
/// What relying parties fetch, without TLS or credentials: CRLs (RFC 5280 §4.2.1.13, served as RFC 2585
/// application/pkix-crl), CA certificates for AIA caIssuers (RFC 5280 §4.2.2.1, application/pkix-cert) and OCSP
/// (RFC 6960 Appendix A). Served on the Public (plain HTTP) and EST endpoints, never on the portal.
/// </summary>
internal static class RevocationEndpoints
{
    public const string CrlPath = "/crl";
    public const string CaPath = "/ca";
    public const string OcspPath = "/ocsp";

    /// <summary>A CA certificate changes only by replacement under a new id; a day of caching costs nothing.</summary>
    private static readonly TimeSpan CaCertificateMaxAge = TimeSpan.FromDays(1);

    public static bool IsPublicPath(PathString path) =>
        path.StartsWithSegments(CrlPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(CaPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(OcspPath, StringComparison.OrdinalIgnoreCase);

    public static void MapRevocationPublishing(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").DisableAntiforgery();
        group.MapGet(CrlPath + "/{ca}.crl", GetCrlAsync);
        group.MapGet(CaPath + "/{ca}.crt", GetCaCertificateAsync);
        group.MapPost(OcspPath, OcspEndpoint.PostAsync);
        group.MapGet(OcspPath + "/{**request}", OcspEndpoint.GetAsync);
        // Anything else under these paths answers text/plain, not the portal's HTML not-found page.
        foreach (var prefix in new[] { CrlPath, CaPath, OcspPath })
            app.MapFallback(prefix + "/{**rest}", () => EstResults.Error(StatusCodes.Status404NotFound, "not found"));
    }

    private static async Task<IResult> GetCrlAsync(HttpContext context, string ca, CertificateAuthorities cas, CrlPublisher publisher,
        CrlContents contents, TimeProvider time)
    {
        var authority = await CaReference.ResolveAsync(cas, ca, context.RequestAborted);
        if (authority is null)
            return EstResults.Error(StatusCodes.Status404NotFound, $"no certificate authority '{ca}'");
        PublishedCrl crl;
        TimeSpan maxAge;
        try
        {
            crl = await publisher.CurrentAsync(authority, context.RequestAborted);
            // A relying party keeps a CRL until nextUpdate (RFC 5280 §5.1.2.5); HTTP caches may keep it as long, and
            // revalidate by CRL number (ETag) or thisUpdate (Last-Modified).
            maxAge = crl.NextUpdate - time.GetUtcNow();
        }
        catch (CaKeyUnavailableException unavailable)
        {
            // The CA key (in an HSM) cannot sign a fresh CRL now. The last published one is still a valid CRL until
            // its nextUpdate (RFC 5280 §5.1.2.5) — exactly what every cache and relying party holding it uses anyway —
            // so it is served, but cached only until the key may be back. Past nextUpdate there is nothing valid to
            // give: 503 with Retry-After (RFC 9110 §15.6.4), never a 500. See ADR 0018.
            var last = await publisher.LatestAsync(authority.Id, context.RequestAborted);
            if (last is null || last.NextUpdate <= time.GetUtcNow())
                return EstResults.Error(StatusCodes.Status503ServiceUnavailable,
                    $"no current CRL and {unavailable.Message}; retry after {unavailable.RetryAfterSeconds} seconds",
                    [new(HeaderNames.RetryAfter, unavailable.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture))]);
            crl = last;
            maxAge = TimeSpan.FromSeconds(unavailable.RetryAfterSeconds);
        }
        SetCaching(context.Response, maxAge, time.GetUtcNow() + maxAge);
        // Streamed from its row a piece at a time, never loaded whole (ADR 0030). The stream is not seekable, so the
        // length the row told goes into Content-Length here (RFC 9110 §8.6, also on a 304).
        context.Response.ContentLength = crl.Length;
        return TypedResults.Stream(contents.OpenRead(crl), "application/pkix-crl",
            lastModified: crl.ThisUpdate, entityTag: new EntityTagHeaderValue($"\"{crl.CertificateAuthorityId:N}-{crl.CrlNumber}\""));
    }

    private static async Task<IResult> GetCaCertificateAsync(HttpContext context, string ca, CertificateAuthorities cas, TimeProvider time)
    {
        var authority = await CaReference.ResolveAsync(cas, ca, context.RequestAborted);
        if (authority is null)
            return EstResults.Error(StatusCodes.Status404NotFound, $"no certificate authority '{ca}'");
        // RFC 5280 §4.2.2.1: an HTTP caIssuers URI returns a single DER certificate as application/pkix-cert.
        SetCaching(context.Response, CaCertificateMaxAge, time.GetUtcNow() + CaCertificateMaxAge);
        return TypedResults.Bytes(authority.CertificateDer, "application/pkix-cert",
            lastModified: authority.CreatedAt, entityTag: new EntityTagHeaderValue($"\"{authority.Sha256Thumbprint}\""));
    }

    internal static void SetCaching(HttpResponse response, TimeSpan maxAge, DateTimeOffset expires)
    {
        var seconds = Math.Max(0, (long)maxAge.TotalSeconds);
        response.Headers.CacheControl = $"public, max-age={seconds.ToString(CultureInfo.InvariantCulture)}, no-transform";
        response.Headers.Expires = expires.ToString("R", CultureInfo.InvariantCulture);
    }
}
