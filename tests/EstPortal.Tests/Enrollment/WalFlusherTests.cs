using EstPortal.Enrollment;

namespace EstPortal.Tests.Enrollment;

/// <summary>The thread that makes committed issuance groups durable before they are answered (ADR 0011).</summary>
public sealed class WalFlusherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AWaiter_CompletesOnlyAfterAFlushThatStartedAfterIt_AndOneFlushServesEveryoneWaiting()
    {
        using var release = new SemaphoreSlim(0);
        var flushes = 0;
        using var flusher = new WalFlusher(() =>
        {
            Interlocked.Increment(ref flushes);
            Assert.True(release.Wait(Patience));
        });

        var first = flusher.WhenDurableAsync();
        await WaitUntilAsync(() => Volatile.Read(ref flushes) == 1);
        // Asked while the first flush runs: that flush may not cover them, so they wait for the next one, together.
        var second = flusher.WhenDurableAsync();
        var third = flusher.WhenDurableAsync();
        await Task.Delay(100);
        Assert.False(first.IsCompleted, "answered before its flush finished");

        release.Release();
        await first.WaitAsync(Patience);
        await WaitUntilAsync(() => Volatile.Read(ref flushes) == 2);
        Assert.False(second.IsCompleted || third.IsCompleted, "answered before the flush after them finished");

        release.Release();
        await Task.WhenAll(second, third).WaitAsync(Patience);
        Assert.Equal(2, flushes);
    }

    [Fact]
    public async Task AFailedFlush_FaultsItsWaiters_AndTheNextFlushServesLaterOnes()
    {
        var fail = true;
        using var flusher = new WalFlusher(() =>
        {
            if (Volatile.Read(ref fail))
                throw new IOException("disk gone");
        });

        var failed = await Assert.ThrowsAsync<IOException>(() => flusher.WhenDurableAsync().WaitAsync(Patience));
        Assert.Equal("disk gone", failed.Message);

        Volatile.Write(ref fail, false);
        await flusher.WhenDurableAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task Dispose_FlushesForThoseStillWaiting_ThenRefusesNewOnes()
    {
        using var started = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var flusher = new WalFlusher(() =>
        {
            started.Release();
            Assert.True(release.Wait(Patience));
        });
        var first = flusher.WhenDurableAsync();
        Assert.True(await started.WaitAsync(Patience));
        var waiting = flusher.WhenDurableAsync();

        var disposing = Task.Run(flusher.Dispose);
        release.Release();
        release.Release();
        await disposing.WaitAsync(Patience);

        await Task.WhenAll(first, waiting).WaitAsync(Patience);
        Assert.Throws<ObjectDisposedException>(() => { _ = flusher.WhenDurableAsync(); });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
