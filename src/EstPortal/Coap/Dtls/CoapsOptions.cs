using Microsoft.Extensions.Options;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// <c>EstPortal:Coaps</c>: EST over secure CoAP (RFC 9148). Off unless <see cref="Url"/> is set. The limits bound what
/// one client address can hold (sessions, handshakes in progress) so a flood from one address cannot starve another.
/// </summary>
public sealed class CoapsOptions
{
    public const string Section = "EstPortal:Coaps";

    /// <summary><c>coaps://host:port</c> (RFC 7252 §6.2; default port 5684). Unset: no CoAP listener.</summary>
    public string? Url { get; set; }

    /// <summary>DTLS sessions held at once, all addresses together.</summary>
    public int MaxSessions { get; set; } = 512;

    /// <summary>DTLS sessions one client address may hold (handshaking or established).</summary>
    public int MaxSessionsPerAddress { get; set; } = 32;

    /// <summary>Handshakes one client address may have in progress at once.</summary>
    public int MaxHandshakesPerAddress { get; set; } = 4;

    /// <summary>A handshake that has not completed in this time is dropped.</summary>
    public int HandshakeTimeoutSeconds { get; set; } = 15;

    /// <summary>A session that has received nothing for this long is dropped (its exchange caches with it).</summary>
    public int IdleTimeoutSeconds { get; set; } = 120;

    /// <summary>Largest request body reassembled from Block1 transfers (a CSR is a few hundred bytes).</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The address and port to bind, from <see cref="Url"/>.</summary>
    public System.Net.IPEndPoint EndPoint()
    {
        var uri = new Uri(Url!);
        var host = uri.Host.Trim('[', ']');
        var address = host == "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(host);
        return new System.Net.IPEndPoint(address, uri.IsDefaultPort || uri.Port < 0 ? 5684 : uri.Port);
    }
}

internal sealed class CoapsOptionsValidator : IValidateOptions<CoapsOptions>
{
    public ValidateOptionsResult Validate(string? name, CoapsOptions options)
    {
        if (!options.Enabled)
            return ValidateOptionsResult.Success;
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme != "coaps"
            || !System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) && uri.Host != "localhost")
            return ValidateOptionsResult.Fail($"{CoapsOptions.Section}:Url must be coaps://<IP address>:<port> (e.g. coaps://0.0.0.0:5684), not '{options.Url}'");
        if (options.MaxSessions < 1 || options.MaxSessionsPerAddress < 1 || options.MaxHandshakesPerAddress < 1)
            return ValidateOptionsResult.Fail($"{CoapsOptions.Section}: session and handshake limits must be at least 1");
        if (options.HandshakeTimeoutSeconds < 1 || options.IdleTimeoutSeconds < 1)
            return ValidateOptionsResult.Fail($"{CoapsOptions.Section}: timeouts must be at least 1 second");
        if (options.MaxRequestBodyBytes < 1024)
            return ValidateOptionsResult.Fail($"{CoapsOptions.Section}:MaxRequestBodyBytes must be at least 1024");
        return ValidateOptionsResult.Success;
    }
}
