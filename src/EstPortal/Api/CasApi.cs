using EstPortal.Admin;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record CaItem(string Name, string Subject, string KeyAlgorithm, bool IsDefault, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string Sha256Fingerprint, string ChainPem);

/// <summary>/api/v1/cas: the certificate authorities, each with its PEM chain (what a relying party's trust store needs). Never a key.</summary>
public static class CasApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/cas", ListAsync).RequireAuthorization(ApiPolicies.Read).WithTags("Certificate authorities");

    private static async Task<Ok<IReadOnlyList<CaItem>>> ListAsync(CertificateAuthorities cas, CertificateAuthorityAdmin admin, CancellationToken cancellationToken)
    {
        var items = new List<CaItem>();
        foreach (var ca in (await cas.ListAsync(cancellationToken)).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            items.Add(new CaItem(ca.Name, ca.Subject, ca.KeyAlgorithm, ca.IsDefault, ca.NotBefore, ca.NotAfter, ca.Sha256Thumbprint,
                await admin.ExportChainPemAsync(ca, cancellationToken)));
        }
        return TypedResults.Ok<IReadOnlyList<CaItem>>(items);
    }
}
