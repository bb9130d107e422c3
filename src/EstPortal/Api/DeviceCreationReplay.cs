using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace EstPortal.Api;

/// <summary>
/// Idempotency-Key for POST /api/v1/devices (draft-ietf-httpapi-idempotency-key-header): a retry with the same key
/// from the same API key gets the first answer — the same device and the same secret — instead of a 409, so a
/// provisioning system that lost the answer can ask again. Kept in this instance's memory for
/// <see cref="ApiOptions.IdempotencyRetention"/> (ADR 0020 says why not in the database).
/// </summary>
public sealed class DeviceCreationReplay(IOptions<ApiOptions> options, TimeProvider time)
{
    public sealed record Answer(int Status, object Body, string RequestHash, DateTimeOffset At);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, Answer> _answers = new();
    private long _writes;

    /// <summary>Runs <paramref name="create"/> once per (caller, key); a concurrent retry waits for the first.</summary>
    public async Task<(Answer Answer, bool Replayed)> OnceAsync(string caller, string key, string requestHash, Func<Task<(int Status, object Body)>> create,
        CancellationToken cancellationToken)
    {
        var id = caller + "\n" + key;
        var gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_answers.TryGetValue(id, out var kept) && now - kept.At < options.Value.IdempotencyRetention)
                return (kept, true);
            var (status, body) = await create();
            var answer = new Answer(status, body, requestHash, now);
            // Only a created device is worth replaying; a refusal (400, 409) is answered afresh on a retry.
            if (status == StatusCodes.Status201Created)
            {
                _answers[id] = answer;
                if (Interlocked.Increment(ref _writes) % 1024 == 0)
                    Prune(now);
            }
            return (answer, false);
        }
        finally
        {
            gate.Release();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, answer) in _answers)
        {
            if (now - answer.At >= options.Value.IdempotencyRetention && _answers.TryRemove(id, out _))
                _locks.TryRemove(id, out _);
        }
    }
}
