using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Coap;

/// <summary>A whole request, after Block1 reassembly: what a resource sees.</summary>
public sealed record CoapRequest(byte Method, IReadOnlyList<string> Path, IReadOnlyList<string> Query, int? ContentFormat, int? Accept, byte[] Body);

/// <summary>
/// A whole answer, before Block2 slicing. <see cref="ContentFormat"/> is null for an error's diagnostic payload (RFC 7252
/// §5.5.2: UTF-8 text, no Content-Format). <see cref="Secret"/> is disposed (zeroed) when the session drops the answer.
/// </summary>
public sealed record CoapResponse(byte Code, int? ContentFormat, byte[] Payload, uint? MaxAge = null, IDisposable? Secret = null)
{
    public static CoapResponse Diagnostic(byte code, string reason, uint? maxAge = null) =>
        new(code, null, System.Text.Encoding.UTF8.GetBytes(reason), maxAge);
}

/// <summary>Who is at the other end of one DTLS session: address, certificate chain (leaf first), tls-unique.</summary>
public sealed record CoapPeer(IPEndPoint Remote, IReadOnlyList<X509Certificate2> ClientChain, byte[]? TlsUnique);

/// <summary>What answers whole requests (the EST resources); the session does the block-wise transfer around it.</summary>
public interface ICoapResource
{
    Task<CoapResponse> HandleAsync(CoapPeer peer, CoapRequest request, CancellationToken cancellationToken);
}
