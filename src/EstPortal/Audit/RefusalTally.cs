using System.Globalization;

namespace EstPortal.Audit;

/// <summary>
/// Refusals of requests that never authenticated (no credentials, a wrong password, an unknown token or certificate) and
/// of requests over a rate limit, counted in memory per (client address, window) instead of one chained audit
/// transaction each (ADR 0014). <see cref="RefusalSummaryWriter"/> turns each finished window into one audit row.
/// Everything is bounded: at most <see cref="MaxAddresses"/> addresses per window (the rest share one row), and per
/// row the <see cref="MaxReasons"/> most frequent reasons and the first <see cref="MaxNames"/> user names.
/// </summary>
public sealed class RefusalTally(TimeProvider time, Microsoft.Extensions.Options.IOptions<RefusalSummaryOptions> options)
{
    public const int MaxAddresses = 10_000;
    public const int MaxReasons = 8;
    public const int MaxNames = 8;
    private const int MaxReasonLength = 160;
    private const int MaxNameLength = 64;
    public const string OtherAddresses = "other addresses";

    private sealed class Counts
    {
        public long Total;
        public readonly Dictionary<string, long> Reasons = new(StringComparer.Ordinal);
        public long OtherReasons;
        public readonly List<string> Names = [];
        public bool MoreNames;
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Address, DateTimeOffset WindowStart), Counts> _windows = [];
    private readonly HashSet<string> _addressesThisWindow = new(StringComparer.Ordinal);
    private DateTimeOffset _currentWindow;

    /// <summary>The length of one window: one audit row per address and window.</summary>
    public TimeSpan Window => options.Value.Window;

    /// <param name="reason">what an operator should read, e.g. <c>wrong password or unknown token for 'ap1'</c></param>
    /// <param name="name">the user name tried, if any</param>
    public void Count(string? clientAddress, string reason, string? name = null)
    {
        var windowStart = WindowOf(time.GetUtcNow());
        var address = clientAddress ?? "unknown";
        lock (_gate)
        {
            if (windowStart != _currentWindow)
            {
                _currentWindow = windowStart;
                _addressesThisWindow.Clear();
            }
            if (!_addressesThisWindow.Contains(address))
            {
                if (_addressesThisWindow.Count >= MaxAddresses)
                    address = OtherAddresses;
                _addressesThisWindow.Add(address);
            }
            if (!_windows.TryGetValue((address, windowStart), out var counts))
                _windows[(address, windowStart)] = counts = new Counts();

            counts.Total++;
            reason = Shorten(reason, MaxReasonLength);
            if (counts.Reasons.TryGetValue(reason, out var seen))
                counts.Reasons[reason] = seen + 1;
            else if (counts.Reasons.Count < MaxReasons)
                counts.Reasons[reason] = 1;
            else
                counts.OtherReasons++;

            if (name is not null)
            {
                name = Shorten(name, MaxNameLength);
                if (!counts.Names.Contains(name))
                {
                    if (counts.Names.Count < MaxNames)
                        counts.Names.Add(name);
                    else
                        counts.MoreNames = true;
                }
            }
        }
    }

    /// <summary>Removes and returns the windows that have ended (all of them when <paramref name="everything"/>).</summary>
    public IReadOnlyList<RefusalSummary> Take(bool everything = false)
    {
        var current = WindowOf(time.GetUtcNow());
        lock (_gate)
        {
            var taken = _windows.Where(w => everything || w.Key.WindowStart < current).ToList();
            foreach (var (key, _) in taken)
                _windows.Remove(key);
            return taken
                .OrderBy(w => w.Key.WindowStart).ThenBy(w => w.Key.Address, StringComparer.Ordinal)
                .Select(w => Summarize(w.Key.Address, w.Key.WindowStart, w.Value))
                .ToList();
        }
    }

    private RefusalSummary Summarize(string address, DateTimeOffset windowStart, Counts counts)
    {
        var reasons = counts.Reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => $"{r.Value.ToString("N0", CultureInfo.InvariantCulture)} × {r.Key}").ToList();
        if (counts.OtherReasons > 0)
            reasons.Add($"{counts.OtherReasons.ToString("N0", CultureInfo.InvariantCulture)} × other reasons");
        var names = counts.Names.Count == 0 ? "none" : string.Join(", ", counts.Names.Select(n => $"'{n}'")) + (counts.MoreNames ? " and others" : "");
        var end = windowStart + Window;
        return new RefusalSummary(address, windowStart, end, counts.Total,
            $"{counts.Total.ToString("N0", CultureInfo.InvariantCulture)} refused: {string.Join(", ", reasons)}",
            $"from {windowStart.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {end.UtcDateTime:HH:mm:ss} UTC; user names tried: {names}");
    }

    private DateTimeOffset WindowOf(DateTimeOffset now) =>
        new(now.UtcTicks - now.UtcTicks % Window.Ticks, TimeSpan.Zero);

    // Reasons and names come from the network (user names, certificate serials); the row keeps a readable share of each.
    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>One address's refusals in one window, as the audit row shows them.</summary>
public sealed record RefusalSummary(string ClientAddress, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, long Count, string Reason, string Details)
{
    /// <summary>The count a summary row's reason starts with ("1,234 refused: …"); 0 for any other text.</summary>
    public static long CountIn(string? reason) =>
        reason is not null && long.TryParse(reason.Split(' ', 2)[0].Replace(",", "", StringComparison.Ordinal), out var count) ? count : 0;
}
