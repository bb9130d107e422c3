using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Authentication.ExtendedProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EstPortal.Est;

/// <summary>
/// The connection's RFC 5929 tls-unique value, for RFC 7030 §3.5 proof-of-possession linking. Defined for TLS 1.2
/// only: on TLS 1.3 (RFC 8446 §C.5) there is no tls-unique, and .NET offers no tls-exporter, so this returns null.
/// </summary>
internal static class TlsChannelBinding
{
    // The platform hands back a SEC_CHANNEL_BINDINGS header (8 × uint32) followed by "tls-unique:" and the value.
    private const int ApplicationDataLengthOffset = 24;
    private const int ApplicationDataOffsetOffset = 28;
    private static readonly byte[] Prefix = "tls-unique:"u8.ToArray();

    public static byte[]? TlsUnique(HttpContext context) =>
        context.Features.Get<ISslStreamFeature>()?.SslStream is { } stream ? TlsUnique(stream) : null;

    /// <summary>Either side of a TLS 1.2 connection sees the same value (RFC 5929 §3.1: the first Finished message).</summary>
    public static byte[]? TlsUnique(SslStream stream)
    {
        if (stream.SslProtocol != SslProtocols.Tls12)
            return null;
        using var binding = stream.TransportContext?.GetChannelBinding(ChannelBindingKind.Unique);
        if (binding is null || binding.IsInvalid || binding.Size < ApplicationDataOffsetOffset + 4)
            return null;

        var raw = new byte[binding.Size];
        Marshal.Copy(binding.DangerousGetHandle(), raw, 0, raw.Length);
        var length = BitConverter.ToInt32(raw, ApplicationDataLengthOffset);
        var offset = BitConverter.ToInt32(raw, ApplicationDataOffsetOffset);
        if (offset < 0 || length <= 0 || offset + length > raw.Length)
            return null;
        var data = raw.AsSpan(offset, length);
        return (data.StartsWith(Prefix) ? data[Prefix.Length..] : data).ToArray();
    }
}
