using System.Runtime.CompilerServices;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace EstPortal.Audit;

/// <summary>
/// Chains every audit event as it is saved: inside the saving transaction it reads the chain head, gives each new
/// event the next sequence number and its hash, and advances the head. On SQLite the transaction holds the write lock
/// from its start, and on PostgreSQL <see cref="AuditChainLock"/> locks the head row, so writers are chained one after
/// another; the head's sequence is also a concurrency token, so a stale head can never be advanced on any database.
/// </summary>
public sealed class AuditChainInterceptor(AuditChainKey chainKey) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> _ownTransactions = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
            await ChainAsync(context, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context)
            ChainAsync(context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _ownTransactions.TryGetValue(context, out var transaction))
        {
            _ownTransactions.Remove(context);
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _ownTransactions.TryGetValue(context, out var transaction))
        {
            _ownTransactions.Remove(context);
            await transaction.RollbackAsync(cancellationToken);
            await transaction.DisposeAsync();
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) =>
        SaveChangesFailedAsync(eventData).GetAwaiter().GetResult();

    private async Task ChainAsync(DbContext context, CancellationToken cancellationToken)
    {
        var added = context.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0)
            return;

        if (context.Database.CurrentTransaction is null)
            _ownTransactions.AddOrUpdate(context, await context.Database.BeginTransactionAsync(cancellationToken));

        await AuditChainLock.AcquireAsync(context, cancellationToken);
        var head = await CurrentHeadAsync(context, cancellationToken);
        var key = chainKey.For(head);
        foreach (var e in added)
        {
            e.Sequence = head.Sequence + 1;
            e.Hash = AuditChain.Compute(key, head.Hash, e);
            head.Sequence = e.Sequence;
            head.Hash = e.Hash;
        }
    }

    /// <summary>The head as the database has it now (reloaded if this context already tracks it).</summary>
    private static async Task<AuditChainHead> CurrentHeadAsync(DbContext context, CancellationToken cancellationToken)
    {
        var tracked = context.ChangeTracker.Entries<AuditChainHead>().FirstOrDefault();
        if (tracked is not null)
        {
            await tracked.ReloadAsync(cancellationToken);
            return tracked.Entity;
        }
        var head = await context.Set<AuditChainHead>().FirstOrDefaultAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);
        if (head is null)
        {
            head = new AuditChainHead();
            context.Set<AuditChainHead>().Add(head);
        }
        return head;
    }
}
