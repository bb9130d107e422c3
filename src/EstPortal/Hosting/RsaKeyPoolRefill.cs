using EstPortal.Data;
using EstPortal.Pki;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Hosting;

/// <summary>
/// Keeps the RSA key pool full in the background so that /serverkeygen never waits for RSA key generation (tens of
/// milliseconds to seconds per key) — but only for the RSA sizes some profile's serverkeygen policy names, so a
/// server whose profiles generate EC keys (the default) spends no CPU on RSA keys it will never hand out.
/// </summary>
internal sealed class RsaKeyPoolRefill(RsaKeyPool pool, IDbContextFactory<EstPortalDbContext> contexts, ILogger<RsaKeyPoolRefill> logger) : BackgroundService
{
    private static readonly TimeSpan ProfileCheckInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let start-up finish first; the pool is only needed once devices arrive.
        await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
        IReadOnlyCollection<int> sizes = [];
        var sizesCheckedAt = DateTime.MinValue;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        do
        {
            try
            {
                if (DateTime.UtcNow - sizesCheckedAt > ProfileCheckInterval)
                {
                    sizes = await WantedSizesAsync(stoppingToken);
                    sizesCheckedAt = DateTime.UtcNow;
                }
                if (sizes.Count > 0)
                    await Task.Run(() => pool.Refill(sizes, stoppingToken), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or DbUpdateException or InvalidOperationException)
            {
                logger.LogError(ex, "Refilling the RSA key pool failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<IReadOnlyCollection<int>> WantedSizesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var policies = await db.EnrollmentProfiles.AsNoTracking().Select(p => p.PolicyJson).ToListAsync(cancellationToken);
        return policies
            .Select(json => CsrPolicy.FromJson(json).ServerKeyGeneration.KeyType)
            .Select(type => ServerKeyType.TryParse(type, out var parsed) && parsed.Family == ServerKeyFamily.Rsa ? parsed.Size : 0)
            .Where(size => size > 0)
            .ToHashSet();
    }
}
