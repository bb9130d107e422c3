using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Audit;

/// <summary>
/// Upgrade step: events written before the hash chain existed carry no hash. At start-up, before anything new is
/// appended, they are chained in sequence order and the head is set, so `audit verify` covers the whole log.
/// </summary>
public sealed class AuditChainSealer(IDbContextFactory<EstPortalDbContext> contexts, AuditChainKey chainKey)
{
    public async Task SealUnchainedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SealOnceAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another instance starting on the same database created the head (or advanced it) at the same moment.
            }
        }
    }

    private async Task SealOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = await db.AuditChainHeads.AsNoTracking().FirstOrDefaultAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);
        // Made before the transaction: protecting may write the Data Protection key ring to this same database.
        var newKey = existing?.ProtectedKey is null ? chainKey.CreateProtectedKey() : null;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await AuditChainLock.AcquireAsync(db, cancellationToken);
        var head = await db.AuditChainHeads.FirstOrDefaultAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);
        if (head is null)
        {
            head = new AuditChainHead();
            db.AuditChainHeads.Add(head);
        }
        head.ProtectedKey ??= newKey ?? chainKey.CreateProtectedKey();
        var key = chainKey.For(head);
        var unchained = await db.AuditEvents.Where(e => e.Sequence > head.Sequence && e.Hash == "").OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        foreach (var e in unchained)
        {
            e.Sequence = head.Sequence + 1;
            e.Hash = AuditChain.Compute(key, head.Hash, e);
            head.Sequence = e.Sequence;
            head.Hash = e.Hash;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
