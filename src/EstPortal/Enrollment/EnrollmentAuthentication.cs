using System.Diagnostics.CodeAnalysis;
using EstPortal.DeviceAuth;

namespace EstPortal.Enrollment;

/// <summary>
/// The pipeline's first step: who is asking, within the limits of ADR 0005. A (client address, claimed name) pair that
/// failed too often is refused before any lookup; a failure counts against that pair only; a caller that authenticated
/// then spends its own per-credential budget. Nothing a stranger sends can spend a device's budget.
/// </summary>
public sealed class EnrollmentAuthentication(
    EstAuthenticator authenticator,
    FailedAuthenticationThrottle failures,
    CredentialRateLimit credentials)
{
    public async Task<CallerCheck> AuthenticateAsync(EnrollmentRequest request, CancellationToken cancellationToken)
    {
        var address = request.ClientIp ?? "unknown";
        var claimed = ClaimedName(request);
        if (claimed is not null && failures.RetryAfterSeconds(address, claimed) is { } wait)
        {
            return CallerCheck.Refused(new AuthenticationRefusal(EnrollmentFailure.TooManyRequests,
                $"too many failed authentication attempts for '{claimed}' from this address",
                Tallied: $"too many failed attempts for '{claimed}'", RetryAfterSeconds: wait));
        }

        var auth = await AuthenticateCoreAsync(request, cancellationToken);
        if (auth.Caller is not { } caller)
        {
            if (claimed is not null)
                failures.RecordFailure(address, claimed);
            return CallerCheck.Refused(Refusal(request, auth));
        }

        if (credentials.RetryAfterSeconds(caller) is { } callerWait)
        {
            return CallerCheck.Refused(new AuthenticationRefusal(EnrollmentFailure.TooManyRequests,
                "too many requests with this credential",
                Tallied: $"too many requests with {caller.Actor}", RetryAfterSeconds: callerWait));
        }
        return new CallerCheck(caller, null);
    }

    private Task<DeviceAuthResult> AuthenticateCoreAsync(EnrollmentRequest request, CancellationToken cancellationToken)
    {
        var presented = request.Credentials;
        return request.Kind switch
        {
            // RFC 7030 §4.2.2: re-enrollment is authenticated by the certificate being renewed.
            EnrollmentKind.Reenroll => authenticator.AuthenticateCertificateAsync(presented.ClientCertificate, cancellationToken),
            // RFC 7030 §3.3.2: HTTP authentication (Basic, or a bootstrap token as Bearer), or an existing certificate.
            _ when presented.Basic is not null => authenticator.AuthenticateBasicAsync(presented.Basic, cancellationToken),
            _ when presented.Bearer is not null => authenticator.AuthenticateBearerAsync(presented.Bearer, cancellationToken),
            _ => authenticator.AuthenticateCertificateOrIdevidAsync(presented.ClientCertificate, presented.ClientChain, request.Profile.Policy.Idevid, cancellationToken),
        };
    }

    /// <summary>The name failures are counted under: the Basic user name, or "bearer"; none for certificates.</summary>
    private static string? ClaimedName(EnrollmentRequest request) => request.Kind == EnrollmentKind.Reenroll
        ? null
        : request.Credentials.Basic?.UserName ?? (request.Credentials.Bearer is null ? null : "(bearer)");

    private static AuthenticationRefusal Refusal(EnrollmentRequest request, DeviceAuthResult auth)
    {
        var presented = request.Credentials;
        var reason = auth.Reason ?? (request.Kind == EnrollmentKind.Reenroll
            ? "re-enrollment requires the TLS client certificate being renewed"
            : "no valid device credential, bootstrap token or client certificate was presented");
        var failure = auth.Forbidden ? EnrollmentFailure.Forbidden : EnrollmentFailure.Unauthenticated;
        // A credential of ours (a used token, a disabled device, a revoked certificate) is audited one row each: whoever
        // sent it holds the secret or the key. Everything else is a stranger's request, summed up (ADR 0014).
        if (auth.Actor is not null)
            return new AuthenticationRefusal(failure, reason, Actor: auth.Actor);
        string tallied = request.Kind switch
        {
            EnrollmentKind.Reenroll when presented.ClientCertificate is null => "no client certificate",
            EnrollmentKind.Reenroll => $"client certificate {presented.ClientCertificate?.SerialNumber} not issued here",
            _ when presented.Basic is not null => $"wrong password or unknown token for '{presented.Basic.UserName}'",
            _ when presented.Bearer is not null => "unknown bearer token",
            _ when presented.ClientCertificate is not null && request.Profile.Policy.Idevid.Enabled =>
                $"client certificate {presented.ClientCertificate.SerialNumber} neither issued here nor an accepted IDevID",
            _ when presented.ClientCertificate is not null => $"client certificate {presented.ClientCertificate.SerialNumber} not issued here",
            _ => "no credentials",
        };
        return new AuthenticationRefusal(failure, reason, Tallied: tallied);
    }
}

/// <summary>The authenticated caller, or why there is none.</summary>
public sealed record CallerCheck(EstCaller? Caller, AuthenticationRefusal? Refusal)
{
    public static CallerCheck Refused(AuthenticationRefusal refusal) => new(null, refusal);

    [MemberNotNullWhen(true, nameof(Refusal))]
    [MemberNotNullWhen(false, nameof(Caller))]
    public bool IsRefused => Caller is null;
}

/// <summary>
/// A refusal before the pipeline knows its caller. <see cref="Tallied"/> (what the audit summary counts) is set for
/// requests that never authenticated and for rate limits: those are summed per address instead of one chained row each.
/// </summary>
public sealed record AuthenticationRefusal(EnrollmentFailure Failure, string Reason, string? Actor = null, string? Tallied = null, int? RetryAfterSeconds = null);
