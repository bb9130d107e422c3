using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Admin;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Components;

/// <summary>Downloads the portal links to: public certificates only, for any signed-in operator.</summary>
public static class PortalEndpoints
{
    private const string PemMediaType = "application/x-pem-file";

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var portal = endpoints.MapGroup("/portal").RequireAuthorization();
        portal.MapGet("/cas/{name}.pem", GetCaChainPemAsync);
        portal.MapGet("/certificates/{id:guid}.pem", GetCertificatePemAsync);
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetCaChainPemAsync(
        string name, CertificateAuthorities cas, CancellationToken cancellationToken)
    {
        var ca = await cas.FindByNameAsync(name, cancellationToken);
        if (ca is null)
            return TypedResults.NotFound();
        var pem = CertificateAuthorityAdmin.ExportChainPem(ca);
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
