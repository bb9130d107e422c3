using System.Security.Cryptography;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public sealed class RsaKeyPoolTests
{
    [Fact]
    public void Refill_EmptyPool_FillsEverySizeToCapacity()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 2, sizes: [2048, 3072]);

        pool.Refill(CancellationToken.None);

        Assert.True(pool.IsFull);
        Assert.Equal(2, pool.Available(2048));
        Assert.Equal(2, pool.Available(3072));
    }

    [Fact]
    public void TryTake_FilledPool_GivesKeysOfTheRequestedSizeEachOnce()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 2, sizes: [2048]);
        pool.Refill(CancellationToken.None);

        Assert.True(pool.TryTake(2048, out var first));
        Assert.True(pool.TryTake(2048, out var second));
        using (first)
        using (second)
        {
            Assert.Equal(2048, first.KeySize);
            Assert.NotEqual(
                first.ExportRSAPublicKey(), second.ExportRSAPublicKey());
        }

        Assert.Equal(0, pool.Available(2048));
        Assert.Equal(0, pool.Misses);
    }

    [Fact]
    public void TryTake_EmptyOrUnpooledSize_CountsAMiss()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 1, sizes: [2048]);

        Assert.False(pool.TryTake(2048, out var none));
        Assert.Null(none);
        Assert.False(pool.TryTake(4096, out _));

        Assert.Equal(2, pool.Misses);
    }

    [Fact]
    public async Task Refill_CalledConcurrently_NeverExceedsCapacity()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 3, sizes: [2048]);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => pool.Refill(CancellationToken.None))));

        Assert.Equal(3, pool.Available(2048));
    }

    [Fact]
    public void Refill_AfterKeysWereTaken_TopsUpOnlyWhatIsMissing()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 2, sizes: [2048]);
        pool.Refill(CancellationToken.None);
        Assert.True(pool.TryTake(2048, out var taken));
        taken.Dispose();

        pool.Refill(CancellationToken.None);

        Assert.Equal(2, pool.Available(2048));
    }

    [Fact]
    public void Refill_Cancelled_Stops()
    {
        using var pool = new RsaKeyPool(capacityPerSize: 8, sizes: [4096]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => pool.Refill(cancelled.Token));
        Assert.Equal(0, pool.Available(4096));
    }

    [Fact]
    public void Constructor_SizeBelowTheCaMinimum_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RsaKeyPool(sizes: [1024]));
    }

    [Fact]
    public void TryTake_AfterDispose_Throws()
    {
        var pool = new RsaKeyPool(capacityPerSize: 1, sizes: [2048]);
        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.TryTake(2048, out RSA? _));
    }
}
