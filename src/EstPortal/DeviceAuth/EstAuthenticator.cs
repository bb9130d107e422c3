using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;

namespace EstPortal.DeviceAuth;

/// <summary>
/// What the device presented: a Basic or Bearer Authorization header and/or the TLS client certificate, with the
/// certificates the client sent after it (<see cref="ClientChain"/>: candidates for an IDevID's path, never trusted alone).
/// </summary>
public sealed record PresentedCredentials(BasicCredentials? Basic, X509Certificate2? ClientCertificate, BearerToken? Bearer = null)
{
    public IReadOnlyList<X509Certificate2> ClientChain { get; init; } = [];

    /// <summary>Reads the Authorization header: Basic (RFC 7617) or Bearer (RFC 6750); anything else is "none".</summary>
    public static PresentedCredentials From(string? authorization, X509Certificate2? clientCertificate) =>
        new(BasicCredentials.Parse(authorization), clientCertificate, BearerToken.Parse(authorization));

    /// <summary>For the audit log when authentication fails: what was presented, never the secret.</summary>
    public string Describe() => (Basic, Bearer, ClientCertificate) switch
    {
        (not null, _, _) => $"basic:{Basic.UserName}",
        (null, not null, _) => "bearer",
        (null, null, not null) => $"certificate:{ClientCertificate.SerialNumber}",
        _ => "anonymous",
    };
}

/// <summary>
/// Runs the validators in a fixed order. Basic: the device credential (user name = device name), then a bootstrap
/// token (any user name). Bearer: a bootstrap token only. The TLS client certificate is used when the operation asks
/// for it.
/// </summary>
public sealed class EstAuthenticator(
    DeviceCredentialValidator credentials,
    BootstrapTokenValidator tokens,
    ClientCertificateValidator certificates,
    IdevidValidator idevids)
{
    public async Task<DeviceAuthResult> AuthenticateBasicAsync(BasicCredentials? basic, CancellationToken cancellationToken)
    {
        if (basic is null)
            return DeviceAuthResult.NotRecognised;
        var byCredential = await credentials.ValidateAsync(basic, cancellationToken);
        if (byCredential.Recognised)
            return byCredential;
        return await tokens.ValidateAsync(basic.Password, cancellationToken);
    }

    /// <summary>The same token rules as Basic (one-time, device binding, profile, subject pattern): only the framing differs.</summary>
    public async Task<DeviceAuthResult> AuthenticateBearerAsync(BearerToken bearer, CancellationToken cancellationToken)
    {
        foreach (var candidate in bearer.Candidates())
        {
            var result = await tokens.ValidateAsync(candidate, cancellationToken);
            if (result.Recognised)
                return result;
        }
        return DeviceAuthResult.NotRecognised;
    }

    public Task<DeviceAuthResult> AuthenticateCertificateAsync(X509Certificate2? certificate, CancellationToken cancellationToken) =>
        certificate is null ? Task.FromResult(DeviceAuthResult.NotRecognised) : certificates.ValidateAsync(certificate, cancellationToken);

    /// <summary>
    /// RFC 7030 §3.3.2: a certificate this server issued, or else — on a profile that accepts manufacturer anchors — an
    /// IDevID. Any other certificate is no credential (the TLS handshake accepted it only so that these rules judge it).
    /// </summary>
    public async Task<DeviceAuthResult> AuthenticateCertificateOrIdevidAsync(X509Certificate2? certificate, IReadOnlyList<X509Certificate2> sentChain,
        IdevidPolicy idevid, CancellationToken cancellationToken)
    {
        var ours = await AuthenticateCertificateAsync(certificate, cancellationToken);
        if (certificate is null || ours.Caller is not null || ours.Actor is not null || !idevid.Enabled)
            return ours;
        return await idevids.ValidateAsync(certificate, sentChain.ToList(), idevid, cancellationToken);
    }
}
