using System.Globalization;

namespace EstPortal.Tests.Operations;

/// <summary>Reads samples out of a Prometheus text exposition, as a scraper would.</summary>
internal static class PrometheusText
{
    /// <summary>Values of the samples named <paramref name="metric"/> that carry every given label pair.</summary>
    public static IReadOnlyList<double> Values(string exposition, string metric, params (string Name, string Value)[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : metric.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
}
