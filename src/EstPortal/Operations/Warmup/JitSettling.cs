using System.Diagnostics;
using System.Runtime;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// Waits until the tiered JIT has stopped compiling: after a burst of calls, its background thread still promotes the
/// methods that ran (tier 0, then instrumented, then optimized), and requests arriving meanwhile share the CPU with it.
/// Settled means fewer than <see cref="QuietMethods"/> methods compiled in the last <see cref="Window"/>.
/// </summary>
internal static class JitSettling
{
    private const int QuietMethods = 10;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <returns>How long it took; at most <paramref name="limit"/>.</returns>
    public static async Task<TimeSpan> WaitAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var samples = new Queue<(TimeSpan At, long Count)>();
        while (clock.Elapsed < limit)
        {
            var now = (clock.Elapsed, JitInfo.GetCompiledMethodCount(currentThread: false));
            samples.Enqueue(now);
            while (samples.Peek().At < now.Elapsed - Window)
                samples.Dequeue();
            if (now.Elapsed >= Window && now.Item2 - samples.Peek().Count < QuietMethods)
                break;
            await Task.Delay(Poll, cancellationToken);
        }
        return clock.Elapsed;
    }
}
