using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace EstPortal.Pki;

/// <summary>
/// Pre-generated RSA keys for /serverkeygen. Generating an RSA-4096 key takes around a second of CPU (and it varies
/// a lot, prime search is random), too long to do inside a request; EC keys are instant and are not pooled. A
/// background service calls <see cref="Refill"/>; requests call <see cref="TryTake"/>. Thread-safe. Every key is
/// handed out at most once and never kept after it is taken.
/// </summary>
public sealed class RsaKeyPool : IDisposable
{
    public const int DefaultCapacityPerSize = 8;

    public static readonly IReadOnlyList<int> DefaultSizes = [2048, 3072, 4096];

    private readonly Dictionary<int, Slot> _slots;
    private long _misses;
    private volatile bool _disposed;

    /// <param name="capacityPerSize">Keys kept ready per size (they sit in memory, unencrypted, until taken).</param>
    /// <param name="sizes">Modulus lengths to pool; defaults to <see cref="DefaultSizes"/>.</param>
    public RsaKeyPool(int capacityPerSize = DefaultCapacityPerSize, IEnumerable<int>? sizes = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityPerSize);
        CapacityPerSize = capacityPerSize;
        _slots = (sizes ?? DefaultSizes).Distinct().ToDictionary(bits => bits, bits =>
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(bits, SubjectKeyRules.MinimumRsaBits, nameof(sizes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, SubjectKeyRules.MaximumRsaBits, nameof(sizes));
            return new Slot();
        });
    }

    public int CapacityPerSize { get; }

    public IReadOnlyCollection<int> Sizes => _slots.Keys;

    /// <summary>How often <see cref="TryTake"/> found no key: each one made a request generate on the slow path.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Keys ready right now for <paramref name="bits"/> (0 for a size that is not pooled).</summary>
    public int Available(int bits) => _slots.TryGetValue(bits, out var slot) ? slot.Keys.Count : 0;

    /// <summary>True when every size holds <see cref="CapacityPerSize"/> keys.</summary>
    public bool IsFull => _slots.Values.All(slot => slot.Keys.Count >= CapacityPerSize);

    /// <summary>Takes a ready key; the caller owns and disposes it. False (and a miss is counted) when none is ready.</summary>
    public bool TryTake(int bits, [NotNullWhen(true)] out RSA? key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_slots.TryGetValue(bits, out var slot) && slot.Keys.TryDequeue(out key))
        {
            return true;
        }

        Interlocked.Increment(ref _misses);
        key = null;
        return false;
    }

    /// <summary>
    /// Generates keys until every size is full, one key per size in turn so a slow RSA-4096 key does not keep the
    /// RSA-2048 queue empty. Blocking and CPU-bound: call it from a background thread. Safe to call concurrently;
    /// the pool never holds more than <see cref="CapacityPerSize"/> keys per size.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; keys generated so far stay in the pool.</exception>
    public void Refill(CancellationToken cancellationToken) => Refill(_slots.Keys.ToList(), cancellationToken);

    /// <summary>As <see cref="Refill(CancellationToken)"/>, for the given sizes only (the ones profiles actually use).</summary>
    public void Refill(IReadOnlyCollection<int> sizes, CancellationToken cancellationToken)
    {
        var progressed = true;
        while (progressed && !_disposed)
        {
            progressed = false;
            foreach (var (bits, slot) in _slots.Where(s => sizes.Contains(s.Key)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!slot.TryReserve(CapacityPerSize))
                {
                    continue;
                }

                RSA? key = null;
                try
                {
                    key = RSA.Create(bits);
                    slot.Keys.Enqueue(key);
                    key = null;
                    progressed = true;
                }
                finally
                {
                    slot.Release();
                    key?.Dispose();
                }
            }
        }

        if (_disposed)
        {
            DrainAll();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainAll();
    }

    private void DrainAll()
    {
        foreach (var slot in _slots.Values)
        {
            while (slot.Keys.TryDequeue(out var key))
            {
                key.Dispose();
            }
        }
    }

    private sealed class Slot
    {
        private int _pending;

        public ConcurrentQueue<RSA> Keys { get; } = new();

        // Counting keys being generated keeps concurrent Refill calls from overshooting the capacity.
        public bool TryReserve(int capacity)
        {
            if (Interlocked.Increment(ref _pending) + Keys.Count <= capacity)
            {
                return true;
            }

            Interlocked.Decrement(ref _pending);
            return false;
        }

        public void Release() => Interlocked.Decrement(ref _pending);
    }
}
