using Microsoft.Extensions.Options;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// <c>EstPortal:Pkcs11</c>: the PKCS#11 module and token that hold HSM CA keys. Unset <see cref="LibraryPath"/> means no
/// HSM: every CA key is a software key. The PIN comes from <see cref="PinFile"/> (readable only by the service) or the
/// environment variable named by <see cref="PinEnvironmentVariable"/>; it is never stored, printed or logged.
/// </summary>
public sealed class Pkcs11Options
{
    public const string Section = "EstPortal:Pkcs11";
    public const string DefaultPinVariable = "ESTPORTAL_PKCS11_PIN";

    /// <summary>The PKCS#11 module, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public string? LibraryPath { get; set; }

    /// <summary>The token's label (CKA_LABEL of the token, as <c>pkcs11-tool --list-slots</c> shows it).</summary>
    public string? TokenLabel { get; set; }

    /// <summary>A file holding the user PIN (trailing newline ignored). Must not be readable by group or others.</summary>
    public string? PinFile { get; set; }

    /// <summary>The environment variable holding the PIN when <see cref="PinFile"/> is not set.</summary>
    public string PinEnvironmentVariable { get; set; } = DefaultPinVariable;

    /// <summary>Logged-in sessions kept open for signing; sized for concurrent signatures (an HSM limits sessions).</summary>
    public int Sessions { get; set; } = 8;

    /// <summary>How long a signature waits for a free session before the request is answered 503.</summary>
    public int SessionWaitMilliseconds { get; set; } = 5000;

    /// <summary>The Retry-After (seconds) sent with a 503 while the HSM is unavailable.</summary>
    public int RetryAfterSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(LibraryPath);
}

internal sealed class Pkcs11OptionsValidator : IValidateOptions<Pkcs11Options>
{
    public ValidateOptionsResult Validate(string? name, Pkcs11Options options)
    {
        if (!options.IsConfigured)
            return ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (!File.Exists(options.LibraryPath))
            failures.Add($"EstPortal:Pkcs11:LibraryPath '{options.LibraryPath}' does not exist (the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so).");
        if (string.IsNullOrWhiteSpace(options.TokenLabel))
            failures.Add("EstPortal:Pkcs11:TokenLabel must name the token that holds the CA keys.");
        if (Pkcs11Pin.Problem(options) is { } pinProblem)
            failures.Add(pinProblem);
        if (options.Sessions is < 1 or > 256)
            failures.Add($"EstPortal:Pkcs11:Sessions is {options.Sessions}; it must be between 1 and 256.");
        if (options.SessionWaitMilliseconds is < 1 or > 60_000)
            failures.Add($"EstPortal:Pkcs11:SessionWaitMilliseconds is {options.SessionWaitMilliseconds}; it must be between 1 and 60000.");
        if (options.RetryAfterSeconds is < 1 or > 3600)
            failures.Add($"EstPortal:Pkcs11:RetryAfterSeconds is {options.RetryAfterSeconds}; it must be between 1 and 3600.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
