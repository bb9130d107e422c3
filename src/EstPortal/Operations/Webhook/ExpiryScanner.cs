using System.Collections.Concurrent;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Webhook;

/// <summary>
/// Finds certificates inside the expiry window and queues one <c>certificate.expiring</c> per certificate. What was
/// sent is remembered in memory only (until the certificate expires), so a restart announces the certificates already
/// in the window once more. Revoked certificates and ones a newer certificate replaced are skipped.
/// </summary>
internal sealed class ExpiryScanner(
    IDbContextFactory<EstPortalDbContext> contexts,
    WebhookDispatcher dispatcher,
    IOptions<WebhookOptions> options,
    TimeProvider time)
{
    // Serial → notAfter, so entries can be forgotten once the certificate has expired.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _announced = new(StringComparer.Ordinal);

    /// <returns>How many certificates were newly queued.</returns>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var horizon = now.AddDays(options.Value.ExpiryDays);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var expiring = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.RevokedAt == null && c.NotAfter > now && c.NotAfter <= horizon
                        && !db.IssuedCertificates.Any(newer => newer.ReplacesCertificateId == c.Id))
            .Select(c => new CertificateExpiringEvent(c.SerialNumber, c.Subject, c.NotAfter, c.Device == null ? null : c.Device.Name))
            .ToListAsync(cancellationToken);

        foreach (var (serial, notAfter) in _announced)
        {
            if (notAfter <= now)
                _announced.TryRemove(serial, out _);
        }

        var queued = 0;
        foreach (var certificate in expiring)
        {
            if (!_announced.TryAdd(certificate.Serial, certificate.NotAfter))
                continue;
            if (dispatcher.TryEnqueue(WebhookMessage.For(certificate)))
                queued++;
            else
                _announced.TryRemove(certificate.Serial, out _); // dropped: try again on the next scan
        }
        return queued;
    }
}
