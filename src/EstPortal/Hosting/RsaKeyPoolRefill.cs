using EstPortal.Pki;

namespace EstPortal.Hosting;

/// <summary>
/// Keeps the RSA key pool full in the background so that /serverkeygen never waits for RSA key generation (which
/// takes from tens of milliseconds to seconds). Checks a few times a second; generation runs on this thread only.
/// </summary>
internal sealed class RsaKeyPoolRefill(RsaKeyPool pool, ILogger<RsaKeyPoolRefill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let start-up finish first; the pool is only needed once devices arrive.
        await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        do
        {
            if (pool.IsFull)
                continue;
            try
            {
                await Task.Run(() => pool.Refill(stoppingToken), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException)
            {
                logger.LogError(ex, "Refilling the RSA key pool failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
