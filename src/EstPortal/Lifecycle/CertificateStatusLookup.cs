using EstPortal.Data;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Lifecycle;

/// <summary>What the issuance table says about one certificate, for the OCSP responder (RFC 6960 §2.2).</summary>
public sealed class CertificateStatusLookup(IDbContextFactory<EstPortalDbContext> contexts)
{
    public async Task<CertificateStatusInfo> StatusAsync(CertificateIdentifier id, CancellationToken cancellationToken)
    {
        var serial = id.SerialHex;
        var caId = id.Issuer.CaId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.SerialNumber == serial && c.CertificateAuthorityId == caId)
            .Select(c => new { c.RevokedAt, c.RevocationReason })
            .FirstOrDefaultAsync(cancellationToken);
        // "good" only for a certificate we know this CA issued; a serial it never issued is "unknown" (RFC 6960 §2.2),
        // never "good", so a forged certificate with a made-up serial is not vouched for.
        if (row is null)
            return CertificateStatusInfo.Unknown;
        return row.RevokedAt is { } revokedAt
            ? CertificateStatusInfo.Revoked(revokedAt, CrlPublisher.ReasonOf(row.RevocationReason))
            : CertificateStatusInfo.Good;
    }
}
