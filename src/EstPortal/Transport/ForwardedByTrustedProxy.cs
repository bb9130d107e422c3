using System.Net;

namespace EstPortal.Transport;

/// <summary>
/// Set on a request whose connection came from a trusted reverse proxy: the TLS session (if any) is the proxy's, so
/// nothing bound to it — tls-unique (RFC 7030 §3.5), the connection's own client certificate — belongs to the device.
/// </summary>
public sealed record ForwardedByTrustedProxy(IPAddress Proxy);
