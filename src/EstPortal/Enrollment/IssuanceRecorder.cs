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
/// lock, one log sync — then the next group, until the queue is empty. A request returns only after the transaction
/// holding its record has committed and reached the disk, so the certificate still never leaves the server before its
/// record is durable (DESIGN.md; ADR 0003). On SQLite the sync runs on another thread while the writer commits the next
/// group (ADR 0011). Tokens and approvals are still spent by one conditional update each inside that
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

    // Under concurrency, a group is worth waiting a moment for: each commit rewrites the pages every insert shares
    // (inner index pages, the audit head), so small groups cost measurably more CPU per certificate
    // (bench/est-load-profile.md). Like PostgreSQL's commit_delay with commit_siblings: only when the last group had
    // company, so a lone enrollment is never delayed. Real time, not TimeProvider: this is scheduling, not a date.
    private const int GroupTarget = 32;
    private static readonly TimeSpan GroupWaitStep = TimeSpan.FromMilliseconds(1);
    private const int GroupWaitSteps = 2;

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
        var lastGroupSize = 0;
        while (true)
        {
            for (var step = 0; lastGroupSize > 1 && step < GroupWaitSteps && _queue.Count < GroupTarget; step++)
                await Task.Delay(GroupWaitStep);
            var group = new List<Queued>();
            while (group.Count < MaxGroupSize && _queue.TryDequeue(out var next))
                group.Add(next);
            lastGroupSize = group.Count;
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
        string?[] outcomes;
        try
        {
            outcomes = await CommitAsync(group.Select(q => q.Record).ToList());
        }
        catch (Exception ex) when (group.Count > 1)
        {
            logger.LogWarning(ex, "A group of {Count} issuances failed to commit; committing them one by one", group.Count);
            foreach (var queued in group)
                await CommitAloneAsync(queued);
            return;
        }
        catch (Exception ex)
        {
            group[0].Outcome.TrySetException(ex);
            return;
        }
        ReleaseWhenDurable(group, outcomes);
    }

    private async Task CommitAloneAsync(Queued queued)
    {
        string?[] outcome;
        try
        {
            outcome = await CommitAsync([queued.Record]);
        }
        catch (Exception ex)
        {
            queued.Outcome.TrySetException(ex);
            return;
        }
        ReleaseWhenDurable([queued], outcome);
    }

    /// <summary>
    /// Answers a committed group once it is on disk. Not awaited: the writer takes the next group meanwhile (ADR 0011).
    /// If the log cannot be synced, nobody in the group gets a certificate.
    /// </summary>
    private void ReleaseWhenDurable(IReadOnlyList<Queued> group, string?[] outcomes) =>
        _ = ReleaseAsync(contexts.WhenDurableAsync(), group, outcomes);

    private async Task ReleaseAsync(Task durable, IReadOnlyList<Queued> group, string?[] outcomes)
    {
        try
        {
            await durable;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A committed group of {Count} issuances could not be synced to disk; none is answered", group.Count);
            foreach (var queued in group)
                queued.Outcome.TrySetException(ex);
            return;
        }
        for (var i = 0; i < group.Count; i++)
            Complete(group[i], outcomes[i]);
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
