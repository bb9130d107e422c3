using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EstPortal.Components.OneTime;

/// <summary>A file that holds secrets: what the browser saves it as, and how to write it when it is fetched.</summary>
/// <remarks><paramref name="Inline"/>: shown in the browser (the printable token sheet) rather than saved.</remarks>
public sealed record OneTimeFile(string FileName, string ContentType, Func<Stream, CancellationToken, Task> WriteAsync, bool Inline = false)
{
    public static OneTimeFile Text(string fileName, string contentType, string content) =>
        new(fileName, contentType, (stream, ct) => stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content), ct).AsTask());
}

/// <summary>
/// Files with secrets in clear (device credentials, bootstrap tokens) that a portal page hands to the operator who
/// created them, once (ADR 0027). They live only in this process's memory — never in the database, a log or the audit
/// log — under an unguessable 256-bit id bound to that operator, and are gone after the first download, after
/// <see cref="Lifetime"/>, or when the page that offered them is left (<see cref="Discard"/>).
/// </summary>
public sealed class OneTimeDownloads(TimeProvider time)
{
    /// <summary>Long enough to click the link after a 10,000-device import; short enough that a forgotten tab does not keep secrets around.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private sealed record Entry(string Owner, OneTimeFile File, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="file"/> for <paramref name="owner"/> (the actor name) and returns its id, the last part of its URL.</summary>
    public string Offer(string owner, OneTimeFile file)
    {
        DropExpired();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _entries[id] = new Entry(owner, file, time.GetUtcNow() + Lifetime);
        return id;
    }

    /// <summary>The file, removed in the same step, so two requests at once cannot both have it; null when unknown, taken, expired or not <paramref name="owner"/>'s.</summary>
    public OneTimeFile? Take(string id, string owner)
    {
        if (!_entries.TryGetValue(id, out var entry) || entry.Owner != owner)
            return null;
        if (!((ICollection<KeyValuePair<string, Entry>>)_entries).Remove(new(id, entry)))
            return null;
        return entry.ExpiresAt > time.GetUtcNow() ? entry.File : null;
    }

    /// <summary>Forgets files not taken (the page that offered them was left).</summary>
    public void Discard(IEnumerable<string> ids)
    {
        foreach (var id in ids)
            _entries.TryRemove(id, out _);
    }

    public const string GoneMessage =
        "This download is gone: it was already taken, it expired, or the page that offered it was left. The server keeps no copy of the secrets it held; issue new ones.";

    public static string PathOf(string id) => $"portal/once/{id}";

    private void DropExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (id, entry) in _entries)
            if (entry.ExpiresAt <= now)
                _entries.TryRemove(id, out _);
    }
}
