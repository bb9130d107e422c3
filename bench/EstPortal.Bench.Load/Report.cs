namespace EstPortal.Bench.Load;

internal static class Report
{
    public static void Print(string phase, RunResult run, ServerSample before, ServerSample after, (double PerCore, double AllCores)? raw)
    {
        double P(double q) => run.LatenciesMs.Length == 0 ? 0 : run.LatenciesMs[Math.Min(run.LatenciesMs.Length - 1, (int)(q * run.LatenciesMs.Length))];
        var rate = run.Succeeded / run.Seconds;
        var cpu = after.CpuSeconds - before.CpuSeconds;
        var wall = (after.At - before.At).TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"== {phase}");
        Console.WriteLine($"   {rate:N0} requests/s   ({run.Succeeded:N0} ok, {run.Failed:N0} errors in {run.Seconds:N1} s)");
        Console.WriteLine($"   latency p50 {P(0.50):N1} ms   p95 {P(0.95):N1} ms   p99 {P(0.99):N1} ms   max {P(1):N1} ms");
        Console.WriteLine($"   server CPU {cpu:N1} s over {wall:N1} s wall ({cpu / wall:N2} cores busy; {cpu * 1000 / Math.Max(1, run.Succeeded):N2} ms CPU per request); peak RSS in this phase {after.PeakRssMb:N0} MB");
        var generator = after.LoadGeneratorCpuSeconds - before.LoadGeneratorCpuSeconds;
        Console.WriteLine($"   load generator CPU {generator:N1} s ({generator / wall:N2} cores; {generator * 1000 / Math.Max(1, run.Succeeded):N2} ms per request), on the same cores");
        if (raw is { } r)
            Console.WriteLine($"   = {rate / r.AllCores:P1} of this machine's raw ECDSA P-256 signing rate ({r.AllCores:N0}/s), shared with the load generator");
        if (run.FirstError is not null)
            Console.WriteLine($"   first error: {run.FirstError}");
    }

    /// <summary>
    /// Issue 15 item 2: the rate in each of the first seconds of load on a server that has just said ready, and each as a
    /// share of the same server's steady state (measured after it has warmed up).
    /// </summary>
    public static void PrintColdStart(RunResult cold, double steadyRate, int seconds = 10)
    {
        var perSecond = cold.PerSecond ?? [];
        Console.WriteLine();
        Console.WriteLine($"== cold start: enrollments in each of the first {seconds} s after /readyz, vs. steady state {steadyRate:N0}/s");
        for (var i = 0; i < Math.Min(seconds, perSecond.Length); i++)
            Console.WriteLine($"   second {i + 1,2}: {perSecond[i],6:N0}/s   {perSecond[i] / Math.Max(1, steadyRate),5:P0}");
        var first = perSecond.Take(seconds).Sum() / (double)Math.Min(seconds, Math.Max(1, perSecond.Length));
        Console.WriteLine($"   first {seconds} s together: {first:N0}/s = {first / Math.Max(1, steadyRate):P0} of steady state");
    }
}
