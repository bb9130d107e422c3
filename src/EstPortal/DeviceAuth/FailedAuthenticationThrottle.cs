using System.Collections.Concurrent;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;

namespace EstPortal.DeviceAuth;

/// <summary>
/// Slows failed authentication per (client address, claimed name): after
/// <see cref="RateLimitingOptions.FailedAuthenticationsPerMinute"/> failures in a minute that pair is refused (429)
/// until the minute is over, before any credential lookup. Keyed by address as well as name, so a flood of wrong
/// passwords for device X from one address does not stop X enrolling from its own (ADR 0005).
/// Memory is bounded: at <see cref="MaxTracked"/> pairs the finished windows are dropped, and if that frees nothing the
/// table starts over — which only loosens the throttle; the per-address limit still holds.
/// </summary>
public sealed class FailedAuthenticationThrottle(IOptions<EstPortalOptions> options, TimeProvider time)
{
    public const int MaxTracked = 100_000;
    // A claimed name longer than this is still one key; the Authorization header is capped at 4 KiB anyway.
    private const int MaxNameLength = 256;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private sealed class Failures(DateTimeOffset windowStart)
    {
        public DateTimeOffset WindowStart = windowStart;
        public int Count;
    }

    private readonly RateLimitingOptions _options = options.Value.RateLimiting;
    private readonly ConcurrentDictionary<(string Address, string Name), Failures> _failures = new();
    private readonly Lock _sweep = new();

    public int Tracked => _failures.Count;

    /// <summary>Null when the pair may try; otherwise the seconds until it may try again.</summary>
    public int? RetryAfterSeconds(string address, string name)
    {
        if (!_options.Enabled || !_failures.TryGetValue(Key(address, name), out var failures))
            return null;
        var now = time.GetUtcNow();
        lock (failures)
        {
            var windowEnd = failures.WindowStart + Window;
            if (now >= windowEnd || failures.Count < _options.FailedAuthenticationsPerMinute)
                return null;
            return Math.Max(1, (int)Math.Ceiling((windowEnd - now).TotalSeconds));
        }
    }

    public void RecordFailure(string address, string name)
    {
        if (!_options.Enabled)
            return;
        var key = Key(address, name);
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxTracked && !_failures.ContainsKey(key))
            MakeRoom(now);
        var failures = _failures.GetOrAdd(key, _ => new Failures(now));
        lock (failures)
        {
            if (now >= failures.WindowStart + Window)
                (failures.WindowStart, failures.Count) = (now, 0);
            failures.Count++;
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        lock (_sweep)
        {
            if (_failures.Count < MaxTracked)
                return;
            foreach (var (key, failures) in _failures)
            {
                if (now >= failures.WindowStart + Window)
                    _failures.TryRemove(key, out _);
            }
            if (_failures.Count >= MaxTracked)
                _failures.Clear();
        }
    }

    private static (string, string) Key(string address, string name) =>
        (address, name.Length <= MaxNameLength ? name : name[..MaxNameLength]);
}
