namespace EstPortal.Coap;

/// <summary>RFC 7252 §4.1: the four message types.</summary>
public enum CoapMessageType : byte
{
    Confirmable = 0,
    NonConfirmable = 1,
    Acknowledgement = 2,
    Reset = 3,
}

/// <summary>One option as carried on the wire: its number and its opaque value (RFC 7252 §3.1).</summary>
public readonly record struct CoapOption(int Number, byte[] Value);

/// <summary>
/// One CoAP message (RFC 7252 §3). <see cref="Code"/> is the 8-bit code (class &lt;&lt; 5 | detail); <see cref="Options"/>
/// are kept in ascending option-number order, as the wire format requires.
/// </summary>
public sealed record CoapMessage(CoapMessageType Type, byte Code, ushort MessageId, byte[] Token, IReadOnlyList<CoapOption> Options, byte[] Payload)
{
    public bool IsRequest => Code is >= 1 and <= 31;
    public bool IsEmpty => Code == 0;

    public IEnumerable<CoapOption> All(int number) => Options.Where(o => o.Number == number);

    public CoapOption? First(int number) => Options.Any(o => o.Number == number) ? Options.First(o => o.Number == number) : null;

    /// <summary>An unsigned-integer option (RFC 7252 §3.2 uint), or null when absent.</summary>
    public uint? UintOption(int number) => First(number) is { } option ? CoapUint.Decode(option.Value) : null;

    /// <summary>The request path from its Uri-Path options, joined with '/' (RFC 7252 §6.5 step 8).</summary>
    public IReadOnlyList<string> UriPath =>
        [.. All(CoapOptionNumbers.UriPath).Select(o => System.Text.Encoding.UTF8.GetString(o.Value))];

    public BlockOption? Block1 => First(CoapOptionNumbers.Block1) is { } o && BlockOption.TryDecode(o.Value, out var b) ? b : null;
    public BlockOption? Block2 => First(CoapOptionNumbers.Block2) is { } o && BlockOption.TryDecode(o.Value, out var b) ? b : null;
}
