using System.Diagnostics.Metrics;
using EstPortal.Data;
using EstPortal.Enrollment;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Operations.Metrics;

/// <summary>
/// <c>estportal_crl_age_seconds{ca}</c>: how old each CA's newest published CRL is, so an alert can fire before
/// relying parties reject a stale one. A CA without any CRL has no series (absent, not zero).
/// </summary>
internal sealed class CrlAgeGauge
{
    private readonly IDbContextFactory<EstPortalDbContext> _contexts;
    private readonly TimeProvider _time;

    public CrlAgeGauge(IMeterFactory meterFactory, IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
        meterFactory.Create(EnrollmentMetrics.MeterName)
            .CreateObservableGauge("estportal.crl.age", Observe, "s", "Seconds since thisUpdate of the CA's newest CRL");
    }

    // Runs on each scrape; the callback API is synchronous, and the query is one small read per CA.
    private IEnumerable<Measurement<double>> Observe()
    {
        using var db = _contexts.CreateDbContext();
        var now = _time.GetUtcNow();
        var newest = db.CertificateAuthorities.AsNoTracking()
            .Select(ca => new
            {
                ca.Name,
                // RFC 5280 §5.2.3: CRL numbers increase per CA, so the highest number is the newest CRL.
                ThisUpdate = db.CertificateRevocationLists
                    .Where(crl => crl.CertificateAuthorityId == ca.Id)
                    .OrderByDescending(crl => crl.CrlNumber)
                    .Select(crl => (DateTimeOffset?)crl.ThisUpdate)
                    .FirstOrDefault(),
            })
            .ToList();
        var measurements = new List<Measurement<double>>();
        foreach (var ca in newest)
        {
            if (ca.ThisUpdate is { } thisUpdate)
                measurements.Add(new Measurement<double>((now - thisUpdate).TotalSeconds, new KeyValuePair<string, object?>("ca", ca.Name)));
        }
        return measurements;
    }
}
