using Org.BouncyCastle.Ocsp;

namespace EstPortal.Pki;

/// <summary>
/// An OCSP request once read (<see cref="OcspResponder.Read"/>): the CertIDs matched to our CAs and the CA that will sign
/// the answer, or the unsigned answer to send instead. Reading is separate from answering so that a caller can look for
/// a kept answer (<see cref="CacheKey"/>) before any status lookup or signature.
/// </summary>
public sealed class OcspQuestion
{
    private OcspQuestion(ParsedOcspRequest? request, IReadOnlyList<MatchedCertId> matched, ICaSigner? signer, OcspResponderResult? failure)
    {
        Request = request;
        Matched = matched;
        Signer = signer;
        Failure = failure;
        CacheKey = request is { Nonce: null, CertIds.Count: 1 } && failure is null
            ? Convert.ToBase64String(request.CertIds[0].ToAsn1Object().GetEncoded())
            : null;
    }

    /// <summary>The unsuccessful answer (malformedRequest, unauthorized) when there is nothing to sign; null otherwise.</summary>
    public OcspResponderResult? Failure { get; }

    /// <summary>
    /// The request's one CertID (DER, base64) when the signed answer depends on nothing else: a single CertID (what
    /// RFC 5019 §2.1.1 clients send) and no nonce (RFC 8954: a nonce must come back in a fresh signature). The answer
    /// echoes this CertID byte for byte, so two requests with the same key get the same answer while the status holds.
    /// Null for every other request, which is always signed afresh.
    /// </summary>
    public string? CacheKey { get; }

    internal ParsedOcspRequest? Request { get; }

    internal IReadOnlyList<MatchedCertId> Matched { get; }

    internal ICaSigner? Signer { get; }

    internal static OcspQuestion Answerable(ParsedOcspRequest request, IReadOnlyList<MatchedCertId> matched, ICaSigner signer) =>
        new(request, matched, signer, null);

    internal static OcspQuestion Failed(OcspResponderResult failure) => new(null, [], null, failure);

    /// <summary>Only the signing CA's own certificates are looked up; the others are answered unknown.</summary>
    internal bool Answers(MatchedCertId matched) => ReferenceEquals(matched.Ca, Signer);

    internal CertificateIdentifier IdentifierOf(MatchedCertId matched) => new(Signer!, matched.Id.SerialNumber.ToByteArray());
}

/// <summary>A CertID of the request with the CA of ours it names, if any (RFC 6960 §4.1.1).</summary>
internal sealed record MatchedCertId(CertificateID Id, ICaSigner? Ca);
