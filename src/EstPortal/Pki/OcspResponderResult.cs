namespace EstPortal.Pki;

/// <summary>An OCSP answer ready to send as <c>application/ocsp-response</c> (RFC 6960 Appendix A.2).</summary>
/// <param name="Status">The responseStatus inside <paramref name="ResponseDer"/>.</param>
/// <param name="ResponseDer">DER-encoded OCSPResponse; an unsuccessful one carries no responseBytes (RFC 6960 §4.2.1).</param>
/// <param name="NextUpdate">For HTTP caching (RFC 5019 §6.2); null when the response is not successful.</param>
/// <param name="Detail">Why the request was not answered successfully, for logs; never sent to the client.</param>
public sealed record OcspResponderResult(
    OcspResponseStatus Status,
    byte[] ResponseDer,
    DateTimeOffset? NextUpdate,
    string? Detail = null);
