namespace EstPortal.Audit;

/// <summary>
/// Writes each finished window of <see cref="RefusalTally"/> as one chained audit row per client address (event type
/// <see cref="AuditEventTypes.RefusalsSummarized"/>, actor <c>address:…</c>), all rows of one flush in one transaction,
/// and what is left at shutdown before the app stops.
/// </summary>
public sealed class RefusalSummaryWriter(
    RefusalTally tally,
    AuditLog audit,
    TimeProvider time,
    ILogger<RefusalSummaryWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A few checks per window, so a finished window is written soon after it ends.
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, Math.Min(tally.Window.Ticks / 4, TimeSpan.TicksPerSecond * 15)));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(everything: false, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The counts of this flush are lost; the next window is counted afresh. The log says so.
                logger.LogWarning(ex, "Writing the refusal summary to the audit log failed");
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(everything: true, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Writing the last refusal summary at shutdown failed");
        }
    }

    /// <returns>How many summary rows were written.</returns>
    public async Task<int> FlushAsync(bool everything = true, CancellationToken cancellationToken = default)
    {
        var summaries = tally.Take(everything);
        if (summaries.Count == 0)
            return 0;
        await audit.RecordAllAsync(summaries.Select(s => new AuditRecord(
            AuditEventTypes.RefusalsSummarized, Succeeded: false, Actor: $"address:{s.ClientAddress}", ClientIp: s.ClientAddress,
            Reason: s.Reason, Details: s.Details)).ToList(), cancellationToken);
        return summaries.Count;
    }
}
