using System.Collections.Concurrent;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>A signed certificate and everything that must commit with it.</summary>
public sealed record IssuanceToRecord(
    string EventType,
    EnrollmentRequest Request,
    EstPortal.DeviceAuth.EstCaller Caller,
    Guid CertificateAuthorityId,
    IssuedCertificateResult Issued,
    string? Details,
    Guid? PendingId);

/// <summary>
/// Commits issuances with group commit (ADR 0009). Each request queues its issuance and waits; whichever request
/// finds no commit running becomes the writer and commits everything queued so far in one transaction — one write
/// lock, one fsync — then the next group, until the queue is empty. A request returns only after the transaction
/// holding its record has committed, so the certificate still never leaves the server before its record is durable
/// (DESIGN.md; ADR 0003). Tokens and approvals are still spent by one conditional update each inside that
/// transaction, so exactly one of several racing requests wins. If a group fails to commit, its issuances are retried
/// one by one so that one bad record cannot fail the others.
/// </summary>
public sealed class IssuanceRecorder(
    IssuanceWriterContexts contexts,
    IssuanceStaging staging,
    EnrollmentMetrics metrics,
    ILogger<IssuanceRecorder> logger)
{
    // Large enough to absorb every connection's request at once; small enough to keep one transaction short.
    private const int MaxGroupSize = 256;

    private readonly ConcurrentQueue<Queued> _queue = new();
    private int _writerActive;

    /// <summary>Null when recorded; otherwise why the certificate must be discarded (another request won).</summary>
    /// <remarks>
    /// Takes no cancellation token: the commit is shared with other requests, so one caller going away must not abort
    /// it. Such a caller's certificate is recorded and never read, as if its response had been lost.
    /// </remarks>
    public Task<string?> RecordAsync(IssuanceToRecord record)
    {
        var queued = new Queued(record);
        _queue.Enqueue(queued);
        if (Interlocked.CompareExchange(ref _writerActive, 1, 0) == 0)
            _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        return queued.Outcome.Task;
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            var group = new List<Queued>();
            while (group.Count < MaxGroupSize && _queue.TryDequeue(out var next))
                group.Add(next);
            if (group.Count > 0)
            {
                await CommitGroupAsync(group);
                continue;
            }

            // Hand the writer role back, then look once more: a request that queued after the last dequeue but saw
            // the role still taken would otherwise wait for a writer that is not coming.
            Volatile.Write(ref _writerActive, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _writerActive, 1, 0) != 0)
                return;
        }
    }

    private async Task CommitGroupAsync(List<Queued> group)
    {
        try
        {
            var outcomes = await CommitAsync(group.Select(q => q.Record).ToList());
            for (var i = 0; i < group.Count; i++)
                Complete(group[i], outcomes[i]);
        }
        catch (Exception ex) when (group.Count > 1)
        {
            logger.LogWarning(ex, "A group of {Count} issuances failed to commit; committing them one by one", group.Count);
            foreach (var queued in group)
                await CommitAloneAsync(queued);
        }
        catch (Exception ex)
        {
            group[0].Outcome.TrySetException(ex);
        }
    }

    private async Task CommitAloneAsync(Queued queued)
    {
        try
        {
            Complete(queued, (await CommitAsync([queued.Record]))[0]);
        }
        catch (Exception ex)
        {
            queued.Outcome.TrySetException(ex);
        }
    }

    private void Complete(Queued queued, string? lost)
    {
        if (lost is null && queued.Record.Caller.TokenId is not null)
            metrics.TokenRedeemed();
        queued.Outcome.TrySetResult(lost);
    }

    /// <summary>One transaction for the whole group; the outcome of each record, in order.</summary>
    private async Task<string?[]> CommitAsync(IReadOnlyList<IssuanceToRecord> records)
    {
        await using var db = await contexts.CreateAsync();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // The audit head first, then the token and pending rows: the lock order every audited writer follows
        // (PostgreSQL; a no-op on SQLite, whose transaction already holds the write lock).
        await AuditChainLock.AcquireAsync(db, CancellationToken.None);
        var outcomes = new string?[records.Count];
        for (var i = 0; i < records.Count; i++)
            outcomes[i] = await staging.StageAsync(db, records[i], CancellationToken.None);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return outcomes;
    }

    private sealed class Queued(IssuanceToRecord record)
    {
        public IssuanceToRecord Record { get; } = record;
        // Continuations run on the thread pool, not inline on the writer, so the writer moves on to the next group.
        public TaskCompletionSource<string?> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
