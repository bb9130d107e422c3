using EstPortal.Enrollment;
using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.Extensions.Options;

namespace EstPortal.Lifecycle;

/// <summary>
/// Keeps a current CRL for every unexpired CA (retired ones included: relying parties still check what they issued),
/// replacing each <c>EstPortal:Crl:RefreshBeforeHours</c> before its nextUpdate (RFC 5280 §5.1.2.5: a new CRL must be
/// out by then). Several instances may all run this; at worst they publish consecutive, equally valid CRLs.
/// </summary>
public sealed class CrlRefreshService(
    CertificateAuthorities cas,
    CrlPublisher publisher,
    IOptions<RevocationPublishingOptions> options,
    TimeProvider time,
    ILogger<CrlRefreshService> logger) : BackgroundService
{
    /// <summary>How often to look; far shorter than RefreshBefore (at least an hour), so no CRL ever lapses.</summary>
    internal TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, options.Value.Crl.RefreshBefore.Ticks / 4));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database hiccup: try again at the next tick, well before any CRL lapses.
                logger.LogError(ex, "Scheduled CRL refresh failed");
            }

            try
            {
                await Task.Delay(CheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes a new CRL for each CA whose current one is missing, due, or older than a revocation.</summary>
    public async Task RefreshDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var ca in (await cas.ListAsync(cancellationToken)).Where(ca => ca.NotAfter > now))
        {
            try
            {
                await publisher.CurrentAsync(ca, cancellationToken);
            }
            catch (CaKeyUnavailableException ex)
            {
                // One CA whose key (in an HSM) cannot sign now must not hold back the CRLs of the others; its own is
                // tried again at the next tick, and the last one stays served until its nextUpdate (ADR 0018).
                logger.LogWarning("The CRL of CA {CaName} is due but was not published: {Reason}", ca.Name, ex.Message);
            }
        }
    }
}
