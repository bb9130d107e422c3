using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;

namespace EstPortal.Pki;

/// <summary>
/// The transport-agnostic core of an RFC 6960 OCSP responder: DER request in, DER response out. Each CA signs the
/// answers about its own certificates (RFC 6960 §2.6, the CA itself as responder; no delegated responder
/// certificate), through <see cref="CaSignatureFactory"/>. The revocation store is reached through a delegate so
/// this class stays free of the database.
/// </summary>
public sealed class OcspResponder
{
    /// <summary>How long a client may rely on (and an HTTP cache may keep) an answer unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromHours(1);

    /// <summary>
    /// CertIDs one request may list unless configured otherwise. RFC 5019 §2.1.1 clients send exactly one, OpenSSL sends
    /// one per -cert/-serial; ten covers a client that checks a whole chain at once. Each CertID costs a status lookup
    /// and about a hundred octets of signed answer, so without a bound a 16 KiB request could ask for some two hundred.
    /// </summary>
    public const int DefaultMaxCertIds = 10;

    private readonly TimeProvider _time;
    private readonly TimeSpan _validity;
    private readonly int _maxCertIds;

    /// <param name="validity">nextUpdate − thisUpdate of every answer (RFC 6960 §4.2.2.1).</param>
    /// <param name="maxCertIds">More CertIDs than this in one request are answered malformedRequest.</param>
    public OcspResponder(TimeProvider time, TimeSpan validity, int maxCertIds = DefaultMaxCertIds)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCertIds, 1);
        _time = time;
        _validity = validity;
        _maxCertIds = maxCertIds;
    }

    /// <summary>nextUpdate − thisUpdate of every answer.</summary>
    public TimeSpan Validity => _validity;

    /// <summary>
    /// Answers one OCSPRequest. Malformed input never throws: it yields malformedRequest (RFC 6960 §2.3).
    /// </summary>
    /// <param name="issuers">The CAs this responder answers for.</param>
    /// <param name="lookup">
    /// The status of a serial of one of <paramref name="issuers"/>; return <see cref="CertificateStatusInfo.Unknown"/>
    /// for a serial that CA never issued. Exceptions (e.g. the database is down) propagate: the caller answers
    /// <see cref="Unsuccessful"/> with <see cref="OcspResponseStatus.InternalError"/> or TryLater.
    /// </param>
    public OcspResponderResult Respond(
        byte[] requestDer,
        IReadOnlyCollection<ICaSigner> issuers,
        Func<CertificateIdentifier, CertificateStatusInfo> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var question = Read(requestDer, issuers);
        if (question.Failure is not null)
        {
            return question.Failure;
        }

        return Sign(question, question.Matched.Select(m => question.Answers(m) ? lookup(question.IdentifierOf(m)) : CertificateStatusInfo.Unknown).ToList());
    }

    /// <summary>
    /// As <see cref="Respond"/>, for a revocation store reached asynchronously (a database); lookups run one after
    /// another, in request order.
    /// </summary>
    public Task<OcspResponderResult> RespondAsync(
        byte[] requestDer,
        IReadOnlyCollection<ICaSigner> issuers,
        Func<CertificateIdentifier, CancellationToken, Task<CertificateStatusInfo>> lookup,
        CancellationToken cancellationToken) =>
        RespondAsync(Read(requestDer, issuers), lookup, cancellationToken);

    /// <summary>Answers a request already <see cref="Read"/>: its failure as is, otherwise the looked-up statuses, signed.</summary>
    public async Task<OcspResponderResult> RespondAsync(
        OcspQuestion question,
        Func<CertificateIdentifier, CancellationToken, Task<CertificateStatusInfo>> lookup,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(lookup);
        if (question.Failure is not null)
        {
            return question.Failure;
        }

        var statuses = new List<CertificateStatusInfo>(question.Matched.Count);
        foreach (var matched in question.Matched)
        {
            statuses.Add(question.Answers(matched) ? await lookup(question.IdentifierOf(matched), cancellationToken) : CertificateStatusInfo.Unknown);
        }

        return Sign(question, statuses);
    }

    /// <summary>Decodes a request and matches its CertIDs to <paramref name="issuers"/>; no lookup, no signature.</summary>
    public OcspQuestion Read(byte[] requestDer, IReadOnlyCollection<ICaSigner> issuers)
    {
        ArgumentNullException.ThrowIfNull(requestDer);
        ArgumentNullException.ThrowIfNull(issuers);

        if (OcspRequestParser.TryParse(requestDer, out var error) is not { } request)
        {
            return OcspQuestion.Failed(Failure(OcspResponseStatus.MalformedRequest, error));
        }

        // RFC 6960 §4.1.1 lets requestList be any length; this responder bounds it (see DefaultMaxCertIds). Of the
        // statuses RFC 6960 §2.3 defines, malformedRequest is the one that tells the client its request, not the
        // responder, is at fault; tryLater would invite the same request again.
        if (request.CertIds.Count > _maxCertIds)
        {
            return OcspQuestion.Failed(Failure(OcspResponseStatus.MalformedRequest,
                $"the request lists {request.CertIds.Count} certificates; this responder answers at most {_maxCertIds} per request"));
        }

        var matched = request.CertIds.Select(id => new MatchedCertId(id, OcspIssuerMatcher.Find(id, issuers))).ToList();

        // One key signs the whole response, and only the issuing CA's key is authoritative for its certificates
        // (RFC 6960 §4.2.2.2). With no CertID naming a CA of ours there is no key that could sign a response the
        // client would accept, so answer "unauthorized": RFC 6960 §2.3 and RFC 5019 §2.2.3 use it for a responder
        // that cannot answer authoritatively. (A "successful" response with status unknown, which §2.2 describes
        // for an unrecognized issuer, would fail signature checks for exactly that reason.)
        var signer = matched.Select(m => m.Ca).FirstOrDefault(ca => ca is not null);
        return signer is null
            ? OcspQuestion.Failed(Failure(OcspResponseStatus.Unauthorized, "no certificate in the request was issued by a CA this responder serves"))
            : OcspQuestion.Answerable(request, matched, signer);
    }

    private OcspResponderResult Sign(OcspQuestion question, IReadOnlyList<CertificateStatusInfo> statuses)
    {
        var signer = question.Signer!;
        var now = CertificateTimes.TruncateToSeconds(_time.GetUtcNow());
        var nextUpdate = now + _validity;
        var generator = new BasicOcspRespGenerator(ResponderIdByKey(signer));
        for (var i = 0; i < question.Matched.Count; i++)
        {
            // A CertID for another issuer (unrecognized, or another of our CAs whose key is not signing this response)
            // is answered "unknown": RFC 6960 §2.2, the responder does not know about that certificate.
            // The request's CertID is echoed as is, so the client matches it byte for byte whichever hash it chose.
            generator.AddResponse(question.Matched[i].Id, ToBouncyCastle(statuses[i]), now.UtcDateTime, nextUpdate.UtcDateTime, null);
        }

        if (question.Request!.Nonce is { } nonce)
        {
            // RFC 6960 §4.4.1: the nonce cryptographically binds the response to this request; return it unchanged.
            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(OcspObjectIdentifiers.PkixOcspNonce, nonce.IsCritical, nonce.Value.GetOctets());
            generator.SetResponseExtensions(extensions.Generate());
        }

        // The CA certificate rides along in certs (RFC 6960 §4.2.1 allows it) so a client that only has the issuer
        // from a trust store can still find the signer; it costs a few hundred octets.
        var basic = generator.Generate(
            new CaSignatureFactory(signer),
            [new X509CertificateParser().ReadCertificate(signer.Certificate.RawData)],
            now.UtcDateTime);
        var response = new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic);
        return new OcspResponderResult(OcspResponseStatus.Successful, response.GetEncoded(), nextUpdate);
    }

    /// <summary>
    /// An OCSPResponse with only a status (no responseBytes, unsigned, RFC 6960 §4.2.1), e.g. internalError when the
    /// revocation store fails or tryLater under load.
    /// </summary>
    public static byte[] Unsuccessful(OcspResponseStatus status)
    {
        if (status == OcspResponseStatus.Successful || !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "a successful response needs a signed body");
        }

        return new OCSPRespGenerator().Generate((int)status, null).GetEncoded();
    }

    private static OcspResponderResult Failure(OcspResponseStatus status, string? detail) =>
        new(status, Unsuccessful(status), null, detail);

    /// <summary>RFC 6960 §4.2.1: byKey is the SHA-1 hash of the responder's public key (the CA's, here).</summary>
    private static RespID ResponderIdByKey(ICaSigner ca) =>
        new(new ResponderID(new DerOctetString(OcspIssuerMatcher.KeyHash(ca.Certificate, HashAlgorithmName.SHA1))));

    private static CertificateStatus? ToBouncyCastle(CertificateStatusInfo status)
    {
        ArgumentNullException.ThrowIfNull(status);
        switch (status.Kind)
        {
            case CertificateStatusKind.Good:
                return CertificateStatus.Good;
            case CertificateStatusKind.Unknown:
                return new UnknownStatus();
            case CertificateStatusKind.Revoked:
                var revokedAt = CertificateTimes.TruncateToSeconds(
                    status.RevokedAt ?? throw new ArgumentException("a revoked status needs a revocation time", nameof(status)));
                // revocationReason is OPTIONAL (RFC 6960 §4.2.1); leave it out for unspecified, as the CRL entry does
                // (RFC 5280 §5.3.1), so both channels say the same thing.
                var reason = status.Reason == RevocationReason.Unspecified ? null : new CrlReason((int)status.Reason);
                return new RevokedStatus(new RevokedInfo(new DerGeneralizedTime(revokedAt.UtcDateTime), reason));
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status.Kind, "unknown certificate status");
        }
    }
}
