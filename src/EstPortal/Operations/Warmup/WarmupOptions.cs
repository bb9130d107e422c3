using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// <c>EstPortal:Warmup</c> (ADR 0028): before <c>/readyz</c> says ready, the server spends <see cref="Seconds"/> enrolling
/// through a throw-away instance of itself, so the tiered JIT has compiled the enrollment path before the first device
/// arrives. 0 turns it off (ready as soon as the database and the CA signers are).
/// </summary>
public sealed class WarmupOptions
{
    public const string Section = "EstPortal:Warmup";

    /// <summary>How long the throw-away instance is driven with EST requests.</summary>
    public int Seconds { get; set; } = 10;

    /// <summary>Connections the warm-up traffic uses at once: few, so the JIT's background thread keeps a core.</summary>
    public int Connections { get; set; } = 2;

    /// <summary>After the traffic, the longest wait for the JIT to finish promoting what it ran (then ready anyway).</summary>
    public int SettleSeconds { get; set; } = 10;

    public bool Enabled => Seconds > 0;
}

internal sealed class WarmupOptionsValidator : IValidateOptions<WarmupOptions>
{
    public ValidateOptionsResult Validate(string? name, WarmupOptions options)
    {
        if (options.Seconds is < 0 or > 120)
            return ValidateOptionsResult.Fail($"{WarmupOptions.Section}:Seconds must be between 0 (off) and 120, not {options.Seconds}");
        if (options.Connections is < 1 or > 16)
            return ValidateOptionsResult.Fail($"{WarmupOptions.Section}:Connections must be between 1 and 16, not {options.Connections}");
        if (options.SettleSeconds is < 0 or > 60)
            return ValidateOptionsResult.Fail($"{WarmupOptions.Section}:SettleSeconds must be between 0 and 60, not {options.SettleSeconds}");
        return ValidateOptionsResult.Success;
    }
}
