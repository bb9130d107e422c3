using EstPortal.Enrollment;
using EstPortal.Pki;

namespace EstPortal.Lifecycle;

/// <summary>
/// Answers OCSP requests (RFC 6960) for every CA we hold, each CA signing the answers about its own certificates,
/// with the status read from the database. A single-certificate answer without a nonce is kept
/// (<see cref="OcspAnswerCache"/>) until a revocation or CA change, so asking again costs no signature and no query.
/// A failure of ours is answered internalError (RFC 6960 §2.3), never an HTTP error page, so a client can tell "the
/// responder is broken" from "the certificate is bad".
/// </summary>
public sealed class OcspService(
    CertificateAuthorities cas,
    CertificateStatusLookup statuses,
    OcspResponder responder,
    OcspAnswerCache answers,
    ConfigurationVersion configuration,
    OcspMetrics metrics,
    ILogger<OcspService> logger)
{
    private sealed record KeptIssuers(long Version, IReadOnlyCollection<ICaSigner> Signers);

    private volatile KeptIssuers? _issuers;

    public async Task<OcspResponderResult> AnswerAsync(byte[] requestDer, CancellationToken cancellationToken)
    {
        try
        {
            // First, before the CA list and the status it guards (see OcspAnswerCache.Stamp).
            var stamp = answers.Stamp();
            // Kept answers are found by the request's own bytes, before any parsing: a client library asks about one
            // certificate with the same bytes every time (a GET's URL is those bytes), and a request kept once was
            // read and found keepable then.
            string? key = null;
            if (stamp is { } current)
            {
                key = Convert.ToBase64String(requestDer);
                if (answers.Find(key, current) is { } kept)
                {
                    metrics.ServedKept();
                    return kept;
                }
            }

            var question = responder.Read(requestDer, await IssuersAsync(cancellationToken));
            if (question.Failure is { } failure)
            {
                metrics.AnsweredUnsigned();
                logger.LogInformation("OCSP request answered {Status}: {Detail}", failure.Status, failure.Detail);
                return failure;
            }

            var answer = question.Keepable && key is not null && stamp is { } keepUnder
                ? await AnswerAndKeepAsync(question, key, keepUnder, cancellationToken)
                : await responder.RespondAsync(question, statuses.StatusAsync, cancellationToken);
            metrics.SignedAfresh();
            return answer;
        }
        catch (CaKeyUnavailableException ex)
        {
            // RFC 6960 §2.3: tryLater — the CA's key (in an HSM) cannot sign right now; the same request works later.
            logger.LogWarning("OCSP request answered tryLater: {Reason}", ex.Message);
            return Failure(OcspResponseStatus.TryLater, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.AnsweredUnsigned();
            logger.LogError(ex, "OCSP request failed; answering internalError");
            return Failure(OcspResponseStatus.InternalError, ex.GetType().Name);
        }
    }

    public static OcspResponderResult Failure(OcspResponseStatus status, string detail) =>
        new(status, OcspResponder.Unsuccessful(status), null, detail);

    /// <summary>A new answer, kept under <paramref name="stamp"/> when its status can only change by revocation.</summary>
    private async Task<OcspResponderResult> AnswerAndKeepAsync(OcspQuestion question, string key, OcspAnswerStamp stamp, CancellationToken cancellationToken)
    {
        CertificateStatusInfo? status = null;
        var result = await responder.RespondAsync(question, async (id, token) => status = await statuses.StatusAsync(id, token), cancellationToken);
        // "unknown" is not kept: issuing that serial later is not a revocation and would not make the stamp differ.
        if (status is { Kind: CertificateStatusKind.Good or CertificateStatusKind.Revoked })
            answers.Keep(key, stamp, result);
        return result;
    }

    /// <summary>Every CA's signer, read again only when a CA changed (or, without a version, on every request).</summary>
    private async Task<IReadOnlyCollection<ICaSigner>> IssuersAsync(CancellationToken cancellationToken)
    {
        var version = configuration.Current();
        if (version is not null && _issuers is { } kept && kept.Version == version)
            return kept.Signers;
        var signers = (await cas.ListAsync(cancellationToken)).Select(cas.GetSigner).ToList();
        if (version is { } read)
            _issuers = new KeptIssuers(read, signers);
        return signers;
    }
}
