using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Warmup;

/// <summary>Where the start-up warm-up is, for <c>/readyz</c> (<see cref="WarmupReadinessCheck"/>) and the log.</summary>
public sealed class WarmupProgress(IOptions<WarmupOptions> options)
{
    private volatile string? _pending = options.Value.Enabled ? "warming up: waiting for the server to start" : null;

    /// <summary>What the warm-up is doing; null once it is over (done, failed or off), and readiness no longer waits.</summary>
    public string? Pending => _pending;

    public void Report(string stage) => _pending = stage;

    public void Finished() => _pending = null;
}
