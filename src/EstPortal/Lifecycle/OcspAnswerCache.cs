using EstPortal.Enrollment;
using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace EstPortal.Lifecycle;

/// <summary>What an answer was signed under: no revocation and no CA change since, or it is not reused.</summary>
public readonly record struct OcspAnswerStamp(long Revocations, long Configuration);

/// <summary>
/// Signed OCSP answers to keepable requests (<see cref="OcspQuestion.Keepable"/>), found by the request's bytes and
/// reused while nothing that could
/// change them has changed (ADR 0015): no revocation anywhere (<see cref="RevocationVersion"/>) and no CA change
/// (<see cref="ConfigurationVersion"/>), and for at most half the answer's validity, so a reused answer always has at
/// least half of it ahead for the client's own cache (RFC 5019 §6.2). Bounded in bytes
/// (<c>EstPortal:Ocsp:CacheMegabytes</c>); when it is full, MemoryCache drops the least recently used entries in the background.
/// </summary>
public sealed class OcspAnswerCache : IDisposable
{
    // A kept entry costs its DER plus the key (base64 of the request, UTF-16) plus the entry objects.
    private const int EntryOverheadBytes = 256;

    private readonly MemoryCache? _entries;
    private readonly RevocationVersion _revocations;
    private readonly ConfigurationVersion _configuration;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reuseFor;

    public OcspAnswerCache(IOptions<RevocationPublishingOptions> options, RevocationVersion revocations, ConfigurationVersion configuration, TimeProvider time)
    {
        var ocsp = options.Value.Ocsp;
        _revocations = revocations;
        _configuration = configuration;
        _time = time;
        _reuseFor = TimeSpan.FromMinutes(ocsp.ValidityMinutes) / 2;
        if (ocsp.CacheMegabytes > 0)
            _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = ocsp.CacheMegabytes * 1024L * 1024L });
    }

    /// <summary>
    /// The versions to keep or find an answer under, or null when answers cannot be kept (no cache, or a database that
    /// offers no version). Read it <em>before</em> the status the answer will carry: a revocation committed after this
    /// read makes the next stamp differ, so an answer signed from the older status is never found again.
    /// </summary>
    public OcspAnswerStamp? Stamp()
    {
        if (_entries is null || _revocations.Current() is not { } revocations || _configuration.Current() is not { } configuration)
            return null;
        return new OcspAnswerStamp(revocations, configuration);
    }

    public OcspResponderResult? Find(string key, OcspAnswerStamp stamp) =>
        _entries is not null && _entries.TryGetValue(key, out Kept? kept) && kept is not null && kept.Stamp == stamp && _time.GetUtcNow() < kept.ReuseUntil
            ? kept.Answer
            : null;

    /// <summary>Keeps a successful answer signed under <paramref name="stamp"/>.</summary>
    public void Keep(string key, OcspAnswerStamp stamp, OcspResponderResult answer)
    {
        if (_entries is null || answer.Status != OcspResponseStatus.Successful || answer.NextUpdate is not { } nextUpdate)
            return;
        var now = _time.GetUtcNow();
        var reuseUntil = Min(now + _reuseFor, nextUpdate);
        if (reuseUntil <= now)
            return;
        _entries.Set(key, new Kept(stamp, answer, reuseUntil), new MemoryCacheEntryOptions
        {
            Size = answer.ResponseDer.Length + (key.Length * 2) + EntryOverheadBytes,
            // MemoryCache's own clock only decides when the entry's memory is reclaimed; Find decides by ours.
            AbsoluteExpirationRelativeToNow = reuseUntil - now,
        });
    }

    public void Dispose() => _entries?.Dispose();

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Kept(OcspAnswerStamp Stamp, OcspResponderResult Answer, DateTimeOffset ReuseUntil);
}
