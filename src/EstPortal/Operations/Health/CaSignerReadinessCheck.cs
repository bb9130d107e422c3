using EstPortal.CaKeys;
using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EstPortal.Operations.Health;

/// <summary>
/// Ready only if a default CA exists and every CA that still issues can sign: its signer produces a signature its
/// certificate verifies. A failing CA is named with where its key lives, so "the HSM is down" reads as such.
/// </summary>
internal sealed class CaSignerReadinessCheck(CertificateAuthorities cas) : IHealthCheck
{
    public const string Name = "ca-signer";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var issuing = (await cas.ListAsync(cancellationToken)).Where(ca => ca.RetiredAt is null).ToList();
        if (!issuing.Any(ca => ca.IsDefault))
            return HealthCheckResult.Unhealthy("no default certificate authority is configured");
        var failures = new List<string>();
        foreach (var ca in issuing)
        {
            string? failure;
            try
            {
                failure = SignerSelfTest.Run(cas.GetSigner(ca));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex is CaKeyUnavailableException ? ex.Message : $"its signer could not be loaded: {ex.Message}";
            }
            if (failure is not null)
                failures.Add($"CA '{ca.Name}' ({CaKeyStores.Describe(ca.KeyStore)} key): {failure}");
        }
        return failures.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", failures));
    }
}
