using System.Diagnostics.Metrics;
using EstPortal.Enrollment;

namespace EstPortal.Lifecycle;

/// <summary>
/// How OCSP requests were answered, on the <c>EstPortal</c> meter: <c>estportal_ocsp_answers_total{answer=…}</c> with
/// <c>kept</c> (a kept signed answer, no signature), <c>signed</c> (a new CA signature), <c>unsigned</c> (malformedRequest,
/// unauthorized, internalError: no signature) and <c>refused</c> (the per-address limit, 429). The share of
/// <c>signed</c> is what the CA key pays (ADR 0015).
/// </summary>
public sealed class OcspMetrics
{
    private readonly Counter<long> _answers;

    public OcspMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(EnrollmentMetrics.MeterName);
        _answers = meter.CreateCounter<long>("estportal.ocsp.answers", "{answer}", "OCSP requests by how they were answered: kept, signed, unsigned, refused");
    }

    public void ServedKept() => Count("kept");

    public void SignedAfresh() => Count("signed");

    public void AnsweredUnsigned() => Count("unsigned");

    public void RefusedOverLimit() => Count("refused");

    private void Count(string answer) => _answers.Add(1, new KeyValuePair<string, object?>("answer", answer));
}
