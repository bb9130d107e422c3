using System.Globalization;

namespace EstPortal.Bench.Load;

internal sealed record BenchOptions(int Connections, int Seconds, int Devices, int CsrCount, string? AppDll)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(Int("--connections", 64), Int("--seconds", 15), Int("--devices", 64), Int("--csrs", 60_000), Value("--app"));
    }
}
