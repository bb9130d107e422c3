using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EstPortal.Operations.Health;

/// <summary>Ready only if the default CA exists and its signer produces a signature its certificate verifies.</summary>
internal sealed class CaSignerReadinessCheck(CertificateAuthorities cas) : IHealthCheck
{
    public const string Name = "ca-signer";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var ca = await cas.FindDefaultAsync(cancellationToken);
            if (ca is null || ca.RetiredAt is not null)
                return HealthCheckResult.Unhealthy("no default certificate authority is configured");
            return SignerSelfTest.Run(cas.GetSigner(ca)) is { } failure
                ? HealthCheckResult.Unhealthy(failure)
                : HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the default CA's signer could not be loaded", ex);
        }
    }
}
