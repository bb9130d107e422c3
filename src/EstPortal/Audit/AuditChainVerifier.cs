using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Audit;

/// <summary>The outcome of checking the whole chain: intact, or the first event that was changed or removed.</summary>
public sealed record AuditVerification(bool Intact, long EventsChecked, long? FirstBadSequence, string Summary);

/// <summary>
/// Walks the audit log in sequence order, recomputing every hash (`audit verify`, and the portal's button). Names the
/// first event that was changed, or the first gap where events were removed, including removals at the end (the
/// head remembers the last sequence and hash).
/// </summary>
public sealed class AuditChainVerifier(IDbContextFactory<EstPortalDbContext> contexts, AuditChainKey chainKey)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditChainHeads.AsNoTracking().FirstOrDefaultAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);
        if (head is null)
            return await db.AuditEvents.AnyAsync(cancellationToken)
                ? new(false, 0, 1, "the chain head is missing: the audit log cannot be verified")
                : new(true, 0, null, "the audit log is empty");
        var key = chainKey.For(head);

        long expected = 1;
        var previousHash = "";
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (e.Sequence != expected)
            {
                return e.Sequence > expected
                    ? new(false, expected - 1, expected, $"event #{expected} is missing: {Span(expected, e.Sequence - 1)} removed")
                    : new(false, expected - 1, e.Sequence, $"event #{e.Sequence} (id {e.Id}) appears twice or out of order");
            }
            if (AuditChain.Compute(key, previousHash, e) != e.Hash)
                return new(false, expected - 1, e.Sequence, $"event #{e.Sequence} (id {e.Id}, {e.Timestamp:u}, {e.EventType}) was changed");
            previousHash = e.Hash;
            expected++;
        }

        var last = expected - 1;
        if (head.Sequence > last)
            return new(false, last, last + 1, $"event #{last + 1} is missing: {Span(last + 1, head.Sequence)} removed from the end");
        if (head.Hash != previousHash)
            return new(false, last, last, $"event #{last} does not match the chain head: it was changed");
        return new(true, last, null, $"all {last} events verify");
    }

    private static string Span(long from, long to) => from == to ? $"#{from} was" : $"#{from}–#{to} were";
}
