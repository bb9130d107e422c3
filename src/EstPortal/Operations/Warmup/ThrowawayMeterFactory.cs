using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// The <see cref="ThrowawayInstance"/>'s meters, renamed under <c>EstPortal.Warmup.</c>: a meter listener (the real
/// instance's OpenTelemetry provider) selects meters by name across the whole process, so without this the warm-up's
/// enrollments and HTTP requests would be counted in the real instance's <c>/metrics</c>.
/// </summary>
internal sealed class ThrowawayMeterFactory : IMeterFactory
{
    public const string Prefix = "EstPortal.Warmup.";

    private readonly ConcurrentBag<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(Prefix + options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
            meter.Dispose();
    }
}
