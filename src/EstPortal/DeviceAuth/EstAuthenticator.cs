using System.Security.Cryptography.X509Certificates;

namespace EstPortal.DeviceAuth;

/// <summary>What the device presented: the Basic header and/or the TLS client certificate.</summary>
public sealed record PresentedCredentials(BasicCredentials? Basic, X509Certificate2? ClientCertificate)
{
    /// <summary>For the audit log when authentication fails: what was presented, never the secret.</summary>
    public string Describe() => (Basic, ClientCertificate) switch
    {
        (not null, _) => $"basic:{Basic.UserName}",
        (null, not null) => $"certificate:{ClientCertificate.SerialNumber}",
        _ => "anonymous",
    };
}

/// <summary>
/// Runs the validators in a fixed order. Basic: the device credential (user name = device name), then a bootstrap
/// token (any user name). The TLS client certificate is used when the operation asks for it.
/// </summary>
public sealed class EstAuthenticator(
    DeviceCredentialValidator credentials,
    BootstrapTokenValidator tokens,
    ClientCertificateValidator certificates)
{
    public async Task<DeviceAuthResult> AuthenticateBasicAsync(BasicCredentials? basic, CancellationToken cancellationToken)
    {
        if (basic is null)
            return DeviceAuthResult.NotRecognised;
        var byCredential = await credentials.ValidateAsync(basic, cancellationToken);
        if (byCredential.Recognised)
            return byCredential;
        return await tokens.ValidateAsync(basic, cancellationToken);
    }

    public Task<DeviceAuthResult> AuthenticateCertificateAsync(X509Certificate2? certificate, CancellationToken cancellationToken) =>
        certificate is null ? Task.FromResult(DeviceAuthResult.NotRecognised) : certificates.ValidateAsync(certificate, cancellationToken);
}
