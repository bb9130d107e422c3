using Org.BouncyCastle.Ocsp;

namespace EstPortal.Pki;

/// <summary>
/// An OCSP request once read (<see cref="OcspResponder.Read"/>): the CertIDs matched to our CAs and the CA that will sign
/// the answer, or the unsigned answer to send instead. Reading is separate from answering so that a caller can decide
/// whether the answer may be kept (<see cref="Keepable"/>) before any status lookup or signature.
/// </summary>
public sealed class OcspQuestion
{
    private OcspQuestion(ParsedOcspRequest? request, IReadOnlyList<MatchedCertId> matched, ICaSigner? signer, OcspResponderResult? failure)
    {
        Request = request;
        Matched = matched;
        Signer = signer;
        Failure = failure;
        Keepable = request is { Nonce: null, CertIds.Count: 1 } && failure is null;
    }

    /// <summary>The unsuccessful answer (malformedRequest, unauthorized) when there is nothing to sign; null otherwise.</summary>
    public OcspResponderResult? Failure { get; }

    /// <summary>
    /// True when the signed answer depends on nothing but the one CertID and its status, so the same request may be
    /// answered with it again while the status holds: a single CertID (what RFC 5019 §2.1.1 clients send) and no nonce
    /// (RFC 8954: a nonce must come back in a fresh signature). False for every other request, always signed afresh.
    /// </summary>
    public bool Keepable { get; }

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
