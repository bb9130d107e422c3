using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Enrollment.CallerRules;
using EstPortal.Hosting;
using EstPortal.Pki;
using EstPortal.Est.Framing;
using EstPortal.Policy;
using Microsoft.Extensions.Options;

namespace EstPortal.Enrollment;

/// <summary>
/// The one enrollment pipeline for simpleenroll, simplereenroll and serverkeygen, in a fixed order: authenticate →
/// may this caller use this profile (caller rules) → load the CSR → may this caller ask for these names (caller rules:
/// token pattern, re-enrollment identity, device identity; Enrollment/CallerRules) → proof-of-possession linking → policy → approval → sign →
/// record → answer. The issuance record commits before the certificate is handed back, so a
/// certificate a client receives is always in the database. Every attempt is audited with its outcome and reason.
/// </summary>
public sealed class EnrollmentService(
    EnrollmentAuthentication authentication,
    RefusalTally refusals,
    CsrLoader csrLoader,
    CertificateAuthorities cas,
    CertificateIssuer issuer,
    ServerKeyIssuance serverKeys,
    PendingApprovals approvals,
    IdevidDevices idevidDevices,
    IssuanceRecorder recorder,
    RevocationUrls revocationUrls,
    AuditLog audit,
    EnrollmentMetrics metrics,
    IOptions<EstPortalOptions> options,
    TimeProvider time)
{
    public async Task<EnrollmentResult> EnrollAsync(EnrollmentRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var result = await EnrollCoreAsync(request, cancellationToken);
        metrics.Enrolled(request, result, time.GetElapsedTime(started));
        return result;
    }

    private async Task<EnrollmentResult> EnrollCoreAsync(EnrollmentRequest request, CancellationToken cancellationToken)
    {
        var attempt = new Attempt(audit, request, request.Credentials.Describe(), null);

        var check = await authentication.AuthenticateAsync(request, cancellationToken);
        if (check.IsRefused)
            return await attempt.RefuseAsync(check.Refusal, refusals, cancellationToken);
        var caller = check.Caller;
        attempt = attempt.WithCaller(caller);
        var policy = request.Profile.Policy;

        if (CallerRuleSet.CheckCaller(new CallerRequest(caller, request.Kind, request.Profile)) is { } mayNotUse)
            return await attempt.RefuseAsync(mayNotUse.Forbidden ? EnrollmentFailure.Forbidden : EnrollmentFailure.BadRequest, mayNotUse.Message, cancellationToken);

        if (request.CsrDer is null)
            return await attempt.RefuseAsync(EnrollmentFailure.BadRequest, request.FramingError ?? "the request body is empty", cancellationToken);

        CertificateRequest csr;
        try
        {
            csr = csrLoader.Load(request.CsrDer);
        }
        catch (CsrRejectedException ex)
        {
            return await attempt.RefuseAsync(EnrollmentFailure.BadRequest, ex.Message, cancellationToken);
        }

        if (CallerRuleSet.CheckCsr(new CallerRequest(caller, request.Kind, request.Profile, csr)) is { } mayNotAsk)
            return await attempt.RefuseAsync(mayNotAsk.Forbidden ? EnrollmentFailure.Forbidden : EnrollmentFailure.BadRequest, mayNotAsk.Message, cancellationToken);

        if (policy.RequireProofOfPossessionLinking && CheckLinking(csr, request) is { } linkingFailure)
            return await attempt.RefuseAsync(EnrollmentFailure.BadRequest, linkingFailure, cancellationToken);

        // serverkeygen: the CSR's key is a placeholder; the policy applies to the key the server generates.
        var evaluated = request.Kind == EnrollmentKind.ServerKeyGen
            ? CsrPolicyEvaluator.Evaluate(policy with { Keys = KeyPolicyAcceptingAny }, csr, caller.DeviceName)
            : CsrPolicyEvaluator.Evaluate(policy, csr, caller.DeviceName);
        if (evaluated.Violation is { } violation)
            return await attempt.RefuseAsync(EnrollmentFailure.BadRequest, violation.Reason, cancellationToken);
        var decision = RenewedNames.KeepEncoding(caller.Certificate, evaluated.Decision!);

        Guid? pendingId = null;
        if (request.Profile.RequiresApproval || RegistersAfterApproval(caller, policy))
        {
            var gate = await ApprovalGateAsync(attempt, request, caller, csr, cancellationToken);
            if (gate.Result is not null)
                return gate.Result;
            pendingId = gate.ApprovedId;
        }

        if (caller.Idevid is not null)
        {
            var (bound, notBound) = await idevidDevices.BindAsync(caller, request.Profile, cancellationToken);
            if (bound is null)
                return await attempt.RefuseAsync(EnrollmentFailure.Forbidden, notBound!, cancellationToken);
            caller = bound;
            attempt = attempt.WithCaller(caller);
        }

        ICaSigner? signer;
        try
        {
            signer = request.Profile.CertificateAuthorityRetired ? null : await cas.SignerAsync(request.Profile.CertificateAuthorityId, cancellationToken);
        }
        catch (CaKeyUnavailableException ex)
        {
            return await attempt.UnavailableAsync(ex, cancellationToken);
        }
        if (signer is null)
            return await attempt.RefuseAsync(EnrollmentFailure.Forbidden, "the profile's certificate authority is not available", cancellationToken);

        IssuedCertificateResult issued;
        ServerGeneratedKey? key = null;
        try
        {
            // Signing (and key generation) is CPU work; it happens before the write transaction so that stays short.
            if (request.Kind == EnrollmentKind.ServerKeyGen)
            {
                var generated = serverKeys.Issue(signer, csr, decision, policy.ServerKeyGeneration, caller.Certificate);
                issued = generated.Issued;
                key = generated.Key;
            }
            else
            {
                issued = issuer.Issue(signer, revocationUrls.ApplyTo(new IssuanceRequest(
                    csr, decision.Subject, decision.SubjectAltName is null ? null : [decision.SubjectAltName], decision.Validity, decision.KeyPurpose.ToCertificatePurpose()), signer.CaId));
            }
        }
        catch (IssuanceRefusedException ex)
        {
            return await attempt.RefuseAsync(EnrollmentFailure.BadRequest, ex.Message, cancellationToken);
        }
        catch (CaKeyUnavailableException ex)
        {
            // Nothing was signed, so nothing is recorded: the client asks again after Retry-After.
            return await attempt.UnavailableAsync(ex, cancellationToken);
        }

        var lost = await recorder.RecordAsync(new IssuanceToRecord(
            attempt.EventType, request, caller, signer.CaId, issued, OverTransport(request, DescribeRenewal(caller, issued) ?? caller.Idevid?.ToString()), pendingId));
        if (lost is not null)
        {
            // Not recorded, so never sent: the generated key goes now, not whenever the collector gets to it.
            key?.Dispose();
            return await attempt.RefuseAsync(EnrollmentFailure.Unauthenticated, lost, cancellationToken);
        }
        return EnrollmentResult.Issued(issued.Der, key);
    }

    /// <summary>An IDevID of a board the fleet does not know, on a profile that registers such boards once an operator approves.</summary>
    private static bool RegistersAfterApproval(EstCaller caller, CsrPolicy policy) =>
        caller.Idevid is { Known: false } && policy.Idevid.Registration == IdevidRegistration.Approval;

    private static readonly KeyPolicy KeyPolicyAcceptingAny = new() { AllowRsa = true, MinimumRsaBits = 0, AllowedCurves = ["P-256", "P-384", "P-521"] };

    /// <summary>RFC 7030 §3.5: the challengePassword carries base64(tls-unique) of this TLS session.</summary>
    private string? CheckLinking(CertificateRequest csr, EnrollmentRequest request)
    {
        if (request.ThroughProxy)
            return "this profile requires proof-of-possession linking (RFC 7030 §3.5), which cannot work through a reverse proxy: "
                + "the TLS session is the proxy's, not the device's; enroll on an EST endpoint the device reaches directly over TLS 1.2";
        if (request.TlsUnique is not { } tlsUnique)
            return "this profile requires proof-of-possession linking (RFC 7030 §3.5), which needs TLS 1.2: tls-unique is undefined on TLS 1.3";
        string? challenge;
        try
        {
            challenge = csrLoader.ReadChallengePassword(csr);
        }
        catch (CsrRejectedException ex)
        {
            return ex.Message;
        }
        return TlsUniqueBinding.Check(challenge, tlsUnique) switch
        {
            LinkingResult.Match => null,
            LinkingResult.Missing => "this profile requires proof-of-possession linking: put base64(tls-unique) of this TLS session in the CSR's challengePassword (RFC 7030 §3.5)",
            _ => "the CSR's challengePassword does not match this TLS session's tls-unique value (RFC 7030 §3.5)",
        };
    }

    /// <summary>
    /// RFC 7030 §4.2.3: a profile that requires approval holds the request (202 + Retry-After) until an operator decides.
    /// The pending entry binds the CSR the operator is shown: a retry finds it by the SHA-256 of the CSR's DER (so the
    /// body's framing — base64 with or without line breaks, PEM, DER — does not matter), and an approved entry lets
    /// through only a request whose CSR bytes equal the stored ones, so the certificate is signed from exactly the CSR
    /// that was approved. Another CSR, even with the same key, is a new pending entry (ADR 0013).
    /// </summary>
    private async Task<(EnrollmentResult? Result, Guid? ApprovedId)> ApprovalGateAsync(
        Attempt attempt, EnrollmentRequest request, EstCaller caller, CertificateRequest csr, CancellationToken cancellationToken)
    {
        var csrDer = request.CsrDer!;
        var csrHash = request.CsrSha256!;
        var retryAfter = options.Value.PendingRetryAfterSeconds;
        var pending = await approvals.FindAsync(request.Profile.Id, caller.Actor, csrHash, cancellationToken)
            ?? await approvals.CreateAsync(new PendingEnrollment
            {
                Id = Guid.NewGuid(),
                ProfileId = request.Profile.Id,
                Operation = attempt.EventType,
                RequesterKey = caller.Actor,
                DeviceId = caller.DeviceId,
                TokenId = caller.TokenId,
                ReplacesCertificateId = caller.CertificateId,
                CsrDer = csrDer,
                CsrSha256 = csrHash,
                PublicKeySha256 = Convert.ToHexString(SHA256.HashData(csr.PublicKey.ExportSubjectPublicKeyInfo())),
                Subject = csr.SubjectName.Name,
                ClientIp = request.ClientIp,
                RequestedAt = time.GetUtcNow(),
                Status = PendingStatus.Pending,
            }, cancellationToken);

        // The hash found the entry; the bytes decide. The CSR this request carries is what gets signed, so it must be
        // the stored one, byte for byte — not merely one with the same hash.
        if (!pending.CsrDer.AsSpan().SequenceEqual(csrDer))
            return (await attempt.RefuseAsync(EnrollmentFailure.BadRequest,
                $"this CSR is not the one held for approval as request {pending.Id}", cancellationToken), null);

        switch (pending.Status)
        {
            case PendingStatus.Approved:
                return (null, pending.Id);
            case PendingStatus.Rejected:
                return (await attempt.RefuseAsync(EnrollmentFailure.Forbidden, $"rejected by an operator: {pending.DecisionReason}", cancellationToken), null);
            case PendingStatus.Issued:
                return (await attempt.RefuseAsync(EnrollmentFailure.Forbidden,
                    $"this request was already approved and issued as certificate {pending.IssuedSerial}; send a new CSR", cancellationToken), null);
            default:
                await audit.RecordAsync(attempt.Record(false, $"waiting for approval (request {pending.Id})", AuditOutcomes.Pending), cancellationToken);
                return (EnrollmentResult.Pending(retryAfter, $"the request is waiting for an operator's approval; retry after {retryAfter} seconds"), null);
        }
    }

    /// <summary>The audit row names the front door when it is not HTTPS (EST over CoAP, RFC 9148).</summary>
    private static string? OverTransport(EnrollmentRequest request, string? details) =>
        request.Transport == EnrollmentRequest.Https ? details
        : details is null ? $"over {request.Transport}" : $"{details} over {request.Transport}";

    private static string? DescribeRenewal(EstCaller caller, IssuedCertificateResult issued)
    {
        if (caller.Certificate is null)
            return null;
        var previousKey = Convert.ToHexString(SHA256.HashData(caller.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        return previousKey == issued.PublicKeySha256
            ? $"renewal (same key) of {caller.Certificate.SerialNumber}"
            : $"rekey (new key) of {caller.Certificate.SerialNumber}";
    }

    /// <summary>Who is trying what, so every refusal is audited the same way.</summary>
    private sealed record Attempt(AuditLog Audit, EnrollmentRequest Request, string Actor, Guid? DeviceId, IdevidCaller? Idevid = null)
    {
        public string EventType => Request.Kind switch
        {
            EnrollmentKind.Reenroll => AuditEventTypes.Reenroll,
            EnrollmentKind.ServerKeyGen => AuditEventTypes.ServerKeyGen,
            _ => AuditEventTypes.Enroll,
        };

        public Attempt WithActor(string? actor) => actor is null ? this : this with { Actor = actor };
        public Attempt WithCaller(EstCaller caller) => this with { Actor = caller.Actor, DeviceId = caller.DeviceId, Idevid = caller.Idevid };

        public AuditRecord Record(bool succeeded, string? reason, string? outcome = null) =>
            new(EventType, succeeded, Actor, Request.ClientIp, reason, DeviceId: DeviceId, Details: Details, Outcome: outcome,
                CsrSha256: Request.CsrSha256);

        /// <summary>
        /// The profile when it has a label; the IDevID (issuer, serial, SHA-256) when one authenticated the request; the
        /// front door when it is not HTTPS (EST over CoAP, RFC 9148).
        /// </summary>
        private string? Details
        {
            get
            {
                string?[] parts = [Request.Profile.Label is null ? null : $"profile '{Request.Profile.Name}' (label {Request.Profile.Label})", Idevid?.ToString(),
                    Request.Transport == EnrollmentRequest.Https ? null : $"over {Request.Transport}"];
                var present = parts.OfType<string>().ToList();
                return present.Count == 0 ? null : string.Join("; ", present);
            }
        }

        public async Task<EnrollmentResult> RefuseAsync(EnrollmentFailure failure, string reason, CancellationToken cancellationToken)
        {
            await Audit.RecordAsync(Record(false, reason), cancellationToken);
            return EnrollmentResult.Refused(failure, reason);
        }

        /// <summary>
        /// DESIGN "cheap refusals": a request that never authenticated, or went over a limit, is counted in the tally
        /// (one audit row per address and minute); a recognised credential's refusal is one chained row, as ever.
        /// </summary>
        public async Task<EnrollmentResult> RefuseAsync(AuthenticationRefusal refusal, RefusalTally tally, CancellationToken cancellationToken)
        {
            if (refusal.Tallied is { } tallied)
            {
                tally.Count(Request.ClientIp, tallied, Request.Credentials.Basic?.UserName);
                Audit.LogOnly(Record(false, refusal.Reason));
                return EnrollmentResult.Refused(refusal.Failure, refusal.Reason, refusal.RetryAfterSeconds);
            }
            return await WithActor(refusal.Actor).RefuseAsync(refusal.Failure, refusal.Reason, cancellationToken);
        }

        public async Task<EnrollmentResult> UnavailableAsync(CaKeyUnavailableException unavailable, CancellationToken cancellationToken)
        {
            await Audit.RecordAsync(Record(false, unavailable.Message), cancellationToken);
            return EnrollmentResult.Unavailable(unavailable.RetryAfterSeconds, unavailable.Message);
        }
    }
}
