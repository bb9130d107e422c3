using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using EstPortal.Est;
using EstPortal.Pki;
using EstPortal.Policy;

namespace EstPortal.Coap.Est;

/// <summary>
/// EST over secure CoAP (RFC 9148): path → operation and method → Content-Format/Accept → profile (label) → address
/// limit → the enrollment pipeline → CoAP code. Framing only, like Est/ for HTTP: every decision is the pipeline's, so
/// profiles, identity rules, approvals, rate limits, audit and metrics are the same as over HTTPS.
/// </summary>
internal sealed class CoapEstResource(
    EnrollmentProfiles profiles,
    CertificateAuthorities cas,
    EnrollmentService enrollment,
    EstRateLimiter rateLimiter) : ICoapResource
{
    public async Task<CoapResponse> HandleAsync(CoapPeer peer, CoapRequest request, CancellationToken cancellationToken)
    {
        if (request.Path is [".well-known", "core"])
        {
            return request.Method == CoapCodes.Get
                ? new CoapResponse(CoapCodes.Content, CoapContentFormats.LinkFormat, CoreLinkFormat.Bytes(request.Query))
                : CoapResponse.Diagnostic(CoapCodes.MethodNotAllowed, "/.well-known/core takes GET");
        }

        // RFC 9148 §5: /.well-known/est/<op> or /.well-known/est/<label>/<op>.
        var (label, name) = request.Path switch
        {
            [".well-known", "est", var op] => ((string?)null, op),
            [".well-known", "est", var l, var op] => (l, op),
            _ => (null, null),
        };
        if (name is null || CoapEstOperation.Find(name) is not { } operation)
            return CoapResponse.Diagnostic(CoapCodes.NotFound, $"'/{string.Join('/', request.Path)}' is not an EST-coaps resource (see /.well-known/core)");
        if (request.Method != operation.Method)
            return CoapResponse.Diagnostic(CoapCodes.MethodNotAllowed, $"{name} takes {(operation.Method == CoapCodes.Get ? "GET" : "POST")}");
        // RFC 7252 §5.10.3/§5.10.4: a body of another Content-Format is 4.15; an Accept we cannot produce is 4.06.
        // A request without Content-Format is read as the operation's format, as scripted HTTP clients are.
        if (operation.RequestFormat is { } expected && request.ContentFormat is { } sent && sent != expected)
            return CoapResponse.Diagnostic(CoapCodes.UnsupportedContentFormat, $"{name} takes Content-Format {expected} (application/pkcs10), not {sent}");
        var format = request.Accept ?? operation.ResponseFormats[0];
        if (!operation.ResponseFormats.Contains(format))
            return CoapResponse.Diagnostic(CoapCodes.NotAcceptable, $"{name} answers Content-Format {string.Join(" or ", operation.ResponseFormats)}, not {format}");

        var profile = await profiles.ResolveAsync(label, cancellationToken);
        if (profile is null)
            return CoapResponse.Diagnostic(CoapCodes.NotFound, label is null ? "no default EST profile is configured" : $"no EST profile is labelled '{label}'");

        var address = peer.Remote.Address.ToString();
        if (rateLimiter.Check(address) is { } wait)
            return CoapResponse.Diagnostic(CoapCodes.TooManyRequests, "too many requests from this address", (uint)wait);

        return name switch
        {
            CoapEstOperation.CaCerts => await CaCertsAsync(profile, cancellationToken),
            CoapEstOperation.CsrAttrs => new CoapResponse(CoapCodes.Content, CoapContentFormats.CsrAttrs, CsrAttributesBuilder.Build(profile.Policy) ?? []),
            CoapEstOperation.SimpleEnroll => await EnrollAsync(EnrollmentKind.Enroll, profile, peer, request, format, name, cancellationToken),
            CoapEstOperation.SimpleReenroll => await EnrollAsync(EnrollmentKind.Reenroll, profile, peer, request, format, name, cancellationToken),
            _ => await EnrollAsync(EnrollmentKind.ServerKeyGen, profile, peer, request, format, name, cancellationToken),
        };
    }

    /// <summary>RFC 9148 §4.1 (RFC 7030 §4.1): the CA certificates as a certs-only PKCS#7, binary DER (281).</summary>
    private async Task<CoapResponse> CaCertsAsync(ResolvedProfile profile, CancellationToken cancellationToken)
    {
        var caCerts = await cas.CaCertsAsync(profile.CertificateAuthorityId, cancellationToken);
        return caCerts is null
            ? CoapResponse.Diagnostic(CoapCodes.ServiceUnavailable, "the profile's certificate authority is not available")
            : new CoapResponse(CoapCodes.Content, CoapContentFormats.Pkcs7CertsOnly, caCerts);
    }

    private async Task<CoapResponse> EnrollAsync(EnrollmentKind kind, ResolvedProfile profile, CoapPeer peer, CoapRequest request,
        int format, string name, CancellationToken cancellationToken)
    {
        // RFC 9148 §4.4: the body is the DER CSR itself, never base64.
        var (der, framingError) = request.Body.Length == 0 ? (null, "the request body is empty") : (request.Body, (string?)null);
        var result = await enrollment.EnrollAsync(
            new EnrollmentRequest(kind, profile, CoapCaller.Credentials(peer), der, framingError, peer.Remote.Address.ToString(),
                peer.TlsUnique, Transport: CoapCaller.Transport),
            cancellationToken);
        return result switch
        {
            { CertificateDer: { } certificate, Key: { } key } => ServerGeneratedKey(name, certificate, key),
            { CertificateDer: { } certificate } => format == CoapContentFormats.Pkcs7CertsOnly
                ? new CoapResponse(CoapCodes.Changed, format, CertsOnlyPkcs7.EncodeDer([certificate]))
                : new CoapResponse(CoapCodes.Changed, CoapContentFormats.PkixCert, certificate),
            // RFC 9148 §4.7: not yet — 5.03 with Max-Age saying when to ask again (RFC 7030 §4.2.3's 202 + Retry-After).
            { Failure: null, RetryAfterSeconds: { } retryAfter } => CoapResponse.Diagnostic(CoapCodes.ServiceUnavailable, result.Reason!, (uint)retryAfter),
            { Failure: EnrollmentFailure.TooManyRequests, RetryAfterSeconds: { } wait } => CoapResponse.Diagnostic(CoapCodes.TooManyRequests, result.Reason!, (uint)wait),
            { Failure: EnrollmentFailure.Unavailable, RetryAfterSeconds: { } wait } => CoapResponse.Diagnostic(CoapCodes.ServiceUnavailable, result.Reason!, (uint)wait),
            { Failure: EnrollmentFailure.Unauthenticated } => CoapResponse.Diagnostic(CoapCodes.Unauthorized, result.Reason!),
            { Failure: EnrollmentFailure.Forbidden } => CoapResponse.Diagnostic(CoapCodes.Forbidden, result.Reason!),
            _ => CoapResponse.Diagnostic(CoapCodes.BadRequest, result.Reason!),
        };
    }

    /// <summary>
    /// RFC 9148 §4.8: multipart-core (62) of the private key — PKCS#8 (284), or CMS (280) when encrypted to the client —
    /// and the certificate: certs-only PKCS#7 (281) for /skg, the bare certificate (287) for /skc.
    /// </summary>
    private static CoapResponse ServerGeneratedKey(string name, byte[] certificate, ServerGeneratedKey key)
    {
        var keyFormat = key.Encrypted ? CoapContentFormats.Pkcs7ServerGeneratedKey : CoapContentFormats.Pkcs8;
        var (certificateFormat, certificatePart) = name == CoapEstOperation.ServerKeyGenCert
            ? (CoapContentFormats.PkixCert, certificate)
            : (CoapContentFormats.Pkcs7CertsOnly, CertsOnlyPkcs7.EncodeDer([certificate]));
        var body = MultipartCore.Write((keyFormat, key.Content), (certificateFormat, certificatePart));
        key.Dispose();
        return new CoapResponse(CoapCodes.Changed, CoapContentFormats.MultipartCore, body, Secret: new ZeroOnDispose(body));
    }

    private sealed class ZeroOnDispose(byte[] secret) : IDisposable
    {
        public void Dispose() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
    }
}
