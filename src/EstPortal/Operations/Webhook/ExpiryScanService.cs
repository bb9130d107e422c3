using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Webhook;

/// <summary>Runs <see cref="ExpiryScanner"/> at start-up and then every <see cref="WebhookOptions.ScanInterval"/>.</summary>
internal sealed class ExpiryScanService(
    ExpiryScanner scanner,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<ExpiryScanService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanInterval, time);
        do
        {
            try
            {
                var queued = await scanner.ScanAsync(stoppingToken);
                if (queued > 0)
                    logger.LogInformation("Queued {Count} certificate.expiring webhook(s)", queued);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database hiccup must not end the loop; the next tick tries again.
                logger.LogWarning(ex, "Expiry scan for the webhook failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
