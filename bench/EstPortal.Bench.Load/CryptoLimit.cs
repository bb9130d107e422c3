using System.Diagnostics;
using System.Security.Cryptography;

namespace EstPortal.Bench.Load;

/// <summary>What the hardware allows: ECDSA P-256 signatures per second (the CA's algorithm), one core and all cores.</summary>
internal static class CryptoLimit
{
    public static (double PerCore, double AllCores) MeasureEcdsaP256SignsPerSecond(TimeSpan duration)
    {
        var one = Measure(1, duration);
        var all = Measure(Environment.ProcessorCount, duration);
        return (one, all);
    }

    private static double Measure(int threads, TimeSpan duration)
    {
        long total = 0;
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var data = new byte[300];
            long count = 0;
            while (stopwatch.Elapsed < duration)
            {
                key.SignData(data, HashAlgorithmName.SHA256);
                count++;
            }
            Interlocked.Add(ref total, count);
        });
        return total / stopwatch.Elapsed.TotalSeconds;
    }
}
