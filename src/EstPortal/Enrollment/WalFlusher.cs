namespace EstPortal.Enrollment;

/// <summary>
/// Makes committed issuance groups durable off the writer's path (ADR 0011). The SQLite writer commits without syncing
/// (<c>synchronous=NORMAL</c>) and asks here; one thread of its own syncs the write-ahead log to disk and then releases
/// every group that asked before the sync began, so one fsync may cover several groups while the writer has already
/// moved on to the next. A group's requests are answered only after that, so a certificate still never leaves the server
/// before its record is on disk (ADR 0003).
/// </summary>
internal sealed class WalFlusher : IDisposable
{
    private readonly Action _flush;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private List<TaskCompletionSource> _waiting = [];
    private bool _stopping;

    /// <param name="flush">Syncs the log to disk; throws if it could not.</param>
    public WalFlusher(Action flush)
    {
        _flush = flush;
        _thread = new Thread(Run) { IsBackground = true, Name = "EstPortal WAL flush" };
        _thread.Start();
    }

    /// <summary>
    /// Completes once everything committed before this call is on disk; faults if the sync failed (the caller must
    /// then not hand out what it committed).
    /// </summary>
    public Task WhenDurableAsync()
    {
        // Completions run on the thread pool, so this thread goes straight back to syncing.
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _waiting.Add(durable);
            Monitor.Pulse(_gate);
        }
        return durable.Task;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_stopping)
                    Monitor.Wait(_gate);
                if (_waiting.Count == 0)
                    return;
                batch = _waiting;
                _waiting = [];
            }

            Exception? failure = null;
            try
            {
                _flush();
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            foreach (var waiter in batch)
            {
                if (failure is null)
                    waiter.TrySetResult();
                else
                    waiter.TrySetException(failure);
            }
        }
    }
}
