using System.Diagnostics.Metrics;

namespace EstPortal.Enrollment;

/// <summary>
/// The enrollment pipeline's instruments on the <c>EstPortal</c> meter. Instrument names follow OpenTelemetry's
/// dotted style; the Prometheus exporter turns them into <c>estportal_enrollments_total</c>,
/// <c>estportal_enrollment_duration_seconds</c> and <c>estportal_tokens_redeemed_total</c>.
/// </summary>
public sealed class EnrollmentMetrics
{
    public const string MeterName = "EstPortal";

    // Seconds: an enrollment is a few milliseconds of signing plus database writes; pending approvals answer at once.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _enrollments;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokensRedeemed;

    // From IMeterFactory, not a static Meter: the meter belongs to this app's container, so test hosts in one
    // process do not share instruments.
    public EnrollmentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _enrollments = meter.CreateCounter<long>("estportal.enrollments", "{enrollment}", "EST enrollment attempts by profile, operation and outcome");
        _duration = meter.CreateHistogram("estportal.enrollment.duration", "s", "Time the enrollment pipeline took, by operation",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _tokensRedeemed = meter.CreateCounter<long>("estportal.tokens.redeemed", "{token}", "One-time bootstrap tokens redeemed by an issuance");
    }

    public void Enrolled(EnrollmentRequest request, EnrollmentResult result, TimeSpan elapsed)
    {
        var operation = OperationOf(request.Kind);
        var outcome = result.CertificateDer is not null ? "issued" : result.IsPending ? "pending" : "refused";
        _enrollments.Add(1,
            new KeyValuePair<string, object?>("profile", request.Profile.Name),
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("transport", request.Transport));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
    }

    public void TokenRedeemed() => _tokensRedeemed.Add(1);

    // The RFC 7030 operation names operators see in their EST client logs.
    private static string OperationOf(EnrollmentKind kind) => kind switch
    {
        EnrollmentKind.Reenroll => "simplereenroll",
        EnrollmentKind.ServerKeyGen => "serverkeygen",
        _ => "simpleenroll",
    };
}
