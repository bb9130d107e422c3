using EstPortal.Enrollment;
using EstPortal.Pki;

namespace EstPortal.Lifecycle;

/// <summary>
/// Answers OCSP requests (RFC 6960) for every CA we hold, each CA signing the answers about its own certificates,
/// with the status read live from the database. A failure of ours is answered internalError (RFC 6960 §2.3), never
/// an HTTP error page, so a client can tell "the responder is broken" from "the certificate is bad".
/// </summary>
public sealed class OcspService(CertificateAuthorities cas, CertificateStatusLookup statuses, OcspResponder responder, ILogger<OcspService> logger)
{
    public async Task<OcspResponderResult> AnswerAsync(byte[] requestDer, CancellationToken cancellationToken)
    {
        try
        {
            var issuers = (await cas.ListAsync(cancellationToken)).Select(cas.GetSigner).ToList();
            var result = await responder.RespondAsync(requestDer, issuers, statuses.StatusAsync, cancellationToken);
            if (result.Status != OcspResponseStatus.Successful)
                logger.LogInformation("OCSP request answered {Status}: {Detail}", result.Status, result.Detail);
            return result;
        }
        catch (CaKeyUnavailableException ex)
        {
            // RFC 6960 §2.3: tryLater — the CA's key (in an HSM) cannot sign right now; the same request works later.
            logger.LogWarning("OCSP request answered tryLater: {Reason}", ex.Message);
            return Failure(OcspResponseStatus.TryLater, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "OCSP request failed; answering internalError");
            return Failure(OcspResponseStatus.InternalError, ex.GetType().Name);
        }
    }

    public static OcspResponderResult Failure(OcspResponseStatus status, string detail) =>
        new(status, OcspResponder.Unsuccessful(status), null, detail);
}
