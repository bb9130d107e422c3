using EstPortal.Data.Entities;
using EstPortal.Enrollment;

namespace EstPortal.Lifecycle;

/// <summary>The {ca} of /crl/{ca}.crl and /ca/{ca}.crt: a CA id (Guid "N" or "D" form, as certificates carry it) or its current name.</summary>
internal static class CaReference
{
    public static async Task<CertificateAuthority?> ResolveAsync(CertificateAuthorities cas, string reference, CancellationToken cancellationToken)
    {
        // The id form comes first: it is what issued certificates point at and it never moves (a name does, on rollover).
        if (Guid.TryParseExact(reference, "N", out var id) || Guid.TryParseExact(reference, "D", out id))
            return await cas.FindAsync(id, cancellationToken);
        return await cas.FindByNameAsync(reference, cancellationToken);
    }
}
