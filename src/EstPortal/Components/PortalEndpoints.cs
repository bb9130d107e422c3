using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Components.Authorization;
using EstPortal.Components.OneTime;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Components;

/// <summary>
/// Downloads the portal links to: public certificates only, for any signed-in operator; the audit log's CSV export
/// for Admins and Auditors; files of secrets a bulk page offered, once, to the Admin or Operator it made them for.
/// </summary>
public static class PortalEndpoints
{
    private const string PemMediaType = "application/x-pem-file";
    private const string DerMediaType = "application/pkix-cert";

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var portal = endpoints.MapGroup("/portal").RequireAuthorization();
        portal.MapGet("/cas/{name}.pem", GetCaChainPemAsync);
        portal.MapGet("/ca/{id:guid}/chain.pem", GetCaChainByIdAsync);
        portal.MapGet("/ca/{id:guid}/certificate.der", GetCaCertificateDerAsync);
        portal.MapGet("/certificates/{id:guid}.pem", GetCertificatePemAsync);
        portal.MapGet("/audit.csv", GetAuditCsvAsync)
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = PortalRoles.AuditReaders });
        portal.MapGet("/once/{id}", GetOneTimeFileAsync)
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = PortalRoles.Managers });
        return endpoints;
    }

    /// <summary>The CA certificate and every issuer above it the portal knows, as PEM (what a device's trust store needs).</summary>
    private static async Task<Results<FileContentHttpResult, NotFound>> GetCaChainByIdAsync(
        Guid id, CertificateAuthorities cas, CaProvisioning provisioning, CancellationToken cancellationToken)
    {
        var ca = await cas.FindAsync(id, cancellationToken);
        if (ca is null)
            return TypedResults.NotFound();
        var chain = await provisioning.ChainAsync(ca, cancellationToken);
        var pem = string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n"));
        foreach (var certificate in chain)
            certificate.Dispose();
        return TypedResults.File(Encoding.ASCII.GetBytes(pem), PemMediaType, $"{ca.Name}-chain.pem");
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetCaCertificateDerAsync(
        Guid id, CertificateAuthorities cas, CancellationToken cancellationToken)
    {
        var ca = await cas.FindAsync(id, cancellationToken);
        return ca is null ? TypedResults.NotFound() : TypedResults.File(ca.CertificateDer, DerMediaType, $"{ca.Name}.der");
    }

    /// <summary>The filtered audit log as CSV, streamed; the export itself is audited (who took a copy of what).</summary>
    private static async Task GetAuditCsvAsync(HttpContext http, AuditQuery query, AuditLog audit, CancellationToken cancellationToken)
    {
        var filter = AuditFilter.FromQuery(key => http.Request.Query[key].FirstOrDefault());
        await audit.RecordAsync(new AuditRecord(AuditEventTypes.AuditExported, true, PortalRoles.ActorOf(http.User),
            Details: "CSV export " + (filter.ToQueryString() is { Length: > 0 } q ? q : "(no filter)")), cancellationToken);
        http.Response.ContentType = "text/csv; charset=utf-8; header=present";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"audit-log.csv\"";
        await query.WriteCsvAsync(filter, http.Response.Body, cancellationToken);
    }

    /// <summary>
    /// A file of secrets a bulk page offered (ADR 0027): to the operator it was made for, once. A second request, an
    /// expired or a discarded one answers 410 with the reason; nothing about the content is logged or audited.
    /// </summary>
    private static async Task GetOneTimeFileAsync(string id, HttpContext http, OneTimeDownloads downloads, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (downloads.Take(id, PortalRoles.ActorOf(http.User)) is not { } file)
        {
            http.Response.StatusCode = StatusCodes.Status410Gone;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(OneTimeDownloads.GoneMessage, cancellationToken);
            return;
        }
        http.Response.ContentType = file.ContentType;
        http.Response.Headers.ContentDisposition = $"{(file.Inline ? "inline" : "attachment")}; filename=\"{file.FileName}\"";
        await file.WriteAsync(http.Response.Body, cancellationToken);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetCaChainPemAsync(
        string name, CertificateAuthorities cas, CertificateAuthorityAdmin admin, CancellationToken cancellationToken)
    {
        var ca = await cas.FindByNameAsync(name, cancellationToken);
        if (ca is null)
            return TypedResults.NotFound();
        var pem = await admin.ExportChainPemAsync(ca, cancellationToken);
        return TypedResults.File(Encoding.ASCII.GetBytes(pem), PemMediaType, $"{ca.Name}-chain.pem");
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetCertificatePemAsync(
        Guid id, DeviceAdmin devices, CancellationToken cancellationToken)
    {
        var der = await devices.CertificateDerAsync(id, cancellationToken);
        if (der is null)
            return TypedResults.NotFound();
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var pem = certificate.ExportCertificatePem() + "\n";
        return TypedResults.File(Encoding.ASCII.GetBytes(pem), PemMediaType, $"{certificate.SerialNumber}.pem");
    }
}
