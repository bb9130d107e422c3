using System.Security.Cryptography;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Hosting;

/// <summary>
/// The data step of migration PendingBindsCsr: pending requests stored before it carry a placeholder
/// ("legacy:" + id) instead of their CSR's SHA-256, because SQLite's SQL cannot hash. This stores the real hash, computed
/// from the stored CSR bytes, so an approved request from before the upgrade stays issuable — for exactly the CSR the
/// operator approved and no other (ADR 0013). Idempotent: once no placeholder is left it reads nothing.
/// </summary>
public static class PendingCsrHashBackfill
{
    public const string LegacyPrefix = "legacy:";

    public static async Task<int> RunAsync(EstPortalDbContext db, CancellationToken cancellationToken)
    {
        var legacy = await db.PendingEnrollments.Where(p => p.CsrSha256.StartsWith(LegacyPrefix)).ToListAsync(cancellationToken);
        foreach (var row in legacy)
            row.CsrSha256 = Convert.ToHexStringLower(SHA256.HashData(row.CsrDer));
        // Unique index (profile, requester, CSR hash): two legacy rows cannot collide, since the index they were stored
        // under (profile, requester, key) already kept two rows from holding one CSR.
        await db.SaveChangesAsync(cancellationToken);
        return legacy.Count;
    }
}
