using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Admin;
using EstPortal.Pki;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record CertificateItem(string Serial, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset IssuedAt,
    string State, string? Device, string Ca);

public sealed record CertificateResponse(string Serial, string Subject, string Issuer, IReadOnlyList<string> SubjectAlternativeNames,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset IssuedAt, string State, string? Device, string Ca, string? Profile,
    string KeyAlgorithm, int KeySize, string Sha256Fingerprint, DateTimeOffset? RevokedAt, string? RevocationReason, string? ReplacesSerial);

public sealed record RevokeCertificateRequest(string? Reason = null);

public sealed record RevokedCertificateResponse(string Serial, string State, string Reason);

/// <summary>/api/v1/certificates: search, read (JSON or PEM), revoke, through <see cref="CertificateAdmin"/> and <see cref="CertificateRevocation"/>.</summary>
public static class CertificatesApi
{
    private const string List = "certificates";
    /// <summary>A subject search is another order (subject, serial), so its cursors are another kind (ADR 0026).</summary>
    private const string SubjectList = "certificates-by-subject";
    public const string PemMediaType = "application/x-pem-file";

    public static void Map(RouteGroupBuilder api)
    {
        var certificates = api.MapGroup("/certificates").WithTags("Certificates");
        certificates.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read);
        certificates.MapGet("/{serial}", GetAsync).RequireAuthorization(ApiPolicies.Read)
            .Produces<CertificateResponse>(StatusCodes.Status200OK, "application/json", PemMediaType);
        certificates.MapPost("/{serial}/revoke", RevokeAsync).RequireAuthorization(ApiPolicies.Manage)
            .Accepts<RevokeCertificateRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// Newest issuance first, or by subject (then serial) when searching by subject; device by exact name, subject and
    /// serial by prefix, state valid|expired|revoked.
    /// </summary>
    private static async Task<Results<Ok<ApiPage<CertificateItem>>, ProblemHttpResult>> ListAsync(string? device, string? subject, string? serial,
        string? state, string? cursor, string? limit, KeysetPages pages, TimeProvider time, CancellationToken cancellationToken)
    {
        var filter = state?.ToLowerInvariant() switch
        {
            null => CertificateState.Any,
            "valid" => CertificateState.Valid,
            "expired" => CertificateState.Expired,
            "revoked" => CertificateState.Revoked,
            _ => (CertificateState?)null,
        };
        if (filter is null)
            return ApiProblems.BadRequest($"'state' is one of valid, expired, revoked, not '{state}'.");
        if (!ApiCursor.TryLimit(limit, out var take))
            return ApiProblems.BadRequest(ApiCursor.BadLimit);
        var query = new CertificateQuery(SubjectPrefix: subject, Serial: serial, DeviceName: device, State: filter.Value);
        IReadOnlyList<CertificateListItem> items;
        string? next;
        if (string.IsNullOrWhiteSpace(subject))
        {
            if (!ApiCursor.TryDecode(List, cursor, out TimePosition? after))
                return ApiProblems.BadRequest(ApiCursor.BadCursor);
            var page = await pages.CertificatesAsync(query, after, take, cancellationToken);
            (items, next) = (page.Items, page.Next is null ? null : ApiCursor.Encode(List, page.Next));
        }
        else
        {
            if (!ApiCursor.TryDecode(SubjectList, cursor, out SubjectPosition? after))
                return ApiProblems.BadRequest(ApiCursor.BadCursor);
            if (after is not null && after.Prefix != CertificateAdmin.NormalizeSubjectPrefix(subject))
                return ApiProblems.BadRequest($"The cursor continues the search for subject '{after.Prefix}', not '{subject}': pass the same 'subject' as for the first page.");
            var page = await pages.CertificatesBySubjectAsync(query, after, take, cancellationToken);
            (items, next) = (page.Items, page.Next is null ? null : ApiCursor.Encode(SubjectList, page.Next));
        }
        var now = time.GetUtcNow();
        return TypedResults.Ok(new ApiPage<CertificateItem>(
            items.Select(c => new CertificateItem(c.SerialNumber, c.Subject, c.NotBefore, c.NotAfter, c.IssuedAt, StateOf(c.RevokedAt, c.NotAfter, now),
                c.DeviceName, c.CaName)).ToList(),
            next));
    }

    /// <summary>JSON, or the certificate itself as PEM when asked with Accept: application/x-pem-file.</summary>
    private static async Task<IResult> GetAsync(string serial, HttpRequest request, CertificateAdmin certificates, DeviceAdmin devices, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var details = await certificates.FindBySerialAsync(serial, cancellationToken);
        if (details is null)
            return NoSuchCertificate(serial);
        if (request.Headers.Accept.ToString().Contains(PemMediaType, StringComparison.OrdinalIgnoreCase))
        {
            var der = await devices.CertificateDerAsync(details.Id, cancellationToken);
            using var x509 = X509CertificateLoader.LoadCertificate(der!);
            return TypedResults.Text(x509.ExportCertificatePem() + "\n", PemMediaType, Encoding.ASCII);
        }
        return TypedResults.Ok(new CertificateResponse(details.SerialNumber, details.Subject, details.Issuer, details.SubjectAlternativeNames,
            details.NotBefore, details.NotAfter, details.IssuedAt, StateOf(details.RevokedAt, details.NotAfter, time.GetUtcNow()), details.DeviceName,
            details.CaName, details.ProfileName, details.KeyAlgorithm, details.KeySize, details.Sha256Fingerprint, details.RevokedAt,
            details.RevocationReason?.ToRfcName(), details.ReplacesSerial));
    }

    /// <summary>Revokes with an RFC 5280 §5.3.1 reason (default unspecified); the CRL and OCSP say so at once.</summary>
    private static async Task<Results<Ok<RevokedCertificateResponse>, ProblemHttpResult>> RevokeAsync(string serial, HttpRequest request, ClaimsPrincipal user,
        ApiJson json, CertificateRevocation revocation, CancellationToken cancellationToken)
    {
        var (body, problem) = await json.ReadAsync(request, new RevokeCertificateRequest());
        if (problem is not null)
            return problem;
        var reason = RevocationReason.Unspecified;
        if (body!.Reason is not null && !RevocationReasons.TryParse(body.Reason, out reason))
            return ApiProblems.BadRequest($"'reason' is an RFC 5280 reason such as keyCompromise, superseded, cessationOfOperation, affiliationChanged, not '{body.Reason}'.");
        var result = await revocation.RevokeAsync(serial, reason, ApiCallFilter.ActorOf(user), cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure switch
            {
                AdminFailure.NotFound => NoSuchCertificate(serial),
                AdminFailure.Conflict => ApiProblems.Conflict(result.Error!),
                _ => ApiProblems.BadRequest(result.Error!),
            };
        }
        return TypedResults.Ok(new RevokedCertificateResponse(result.Value!, "revoked", reason.ToRfcName()));
    }

    private static string StateOf(DateTimeOffset? revokedAt, DateTimeOffset notAfter, DateTimeOffset now) =>
        revokedAt is not null ? "revoked" : notAfter <= now ? "expired" : "valid";

    private static ProblemHttpResult NoSuchCertificate(string serial) =>
        ApiProblems.NotFound($"No certificate has serial '{serial}' (hex, as openssl x509 -serial prints it).");
}
