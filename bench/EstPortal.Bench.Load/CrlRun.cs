using System.Diagnostics;
using System.Formats.Asn1;
using System.Net;

namespace EstPortal.Bench.Load;

/// <summary>
/// `--crl`: publication of the default CA's CRL with <c>--crl-revoked</c> revoked certificates (issue 15 item 3). The
/// revocations are inserted straight into the database; then, in each round, one more certificate is revoked (an UPDATE,
/// as hand-written SQL would) and the CRL fetched from the Public endpoint: the fetch finds a revocation newer than the
/// current CRL and publishes a new one before answering (ADR 0007), so its time is the publication's. The server's
/// resident memory is sampled every few milliseconds meanwhile. A last fetch measures serving the CRL once published.
/// </summary>
internal static class CrlRun
{
    private const int Rounds = 3;
    private const int ParallelFetches = 32;

    public static async Task RunAsync(AppUnderTest server, BenchOptions options)
    {
        var seeder = new RevokedCertificateSeeder(server.SqliteDatabasePath
            ?? throw new ArgumentException("--crl seeds revocations into SQLite; it does not run with --postgres"));
        var caId = await seeder.DefaultCaIdAsync();
        var seeding = Stopwatch.StartNew();
        var spares = await seeder.SeedAsync(caId, options.CrlRevoked, Rounds, server.Ca.RawData);
        Console.WriteLine($"crl: {options.CrlRevoked:N0} revoked certificates of CA {caId:N} inserted in {seeding.Elapsed.TotalSeconds:N1} s");

        using var client = server.CreatePublicClients(1)[0];
        var path = $"/crl/{caId:N}.crl";
        for (var round = 0; round < Rounds; round++)
        {
            await seeder.RevokeOneAsync(spares[round]);
            var (crl, seconds, rssBefore, rssPeak) = await FetchWatchingMemoryAsync(server, client, path);
            var sample = server.Sample();
            Console.WriteLine();
            Console.WriteLine($"== CRL publication {round + 1}: {options.CrlRevoked + round + 1:N0} revoked");
            Console.WriteLine($"   fetch that published it: {seconds * 1000:N0} ms   CRL {crl.Length / 1024.0:N0} KiB, {CountEntries(crl):N0} entries");
            Console.WriteLine($"   server RSS {rssBefore / 1048576.0:N0} MB before, peak {rssPeak / 1048576.0:N0} MB during (+{(rssPeak - rssBefore) / 1048576.0:N0} MB); process peak so far {sample.PeakRssMb:N0} MB");
        }

        var served = Stopwatch.StartNew();
        var again = await FetchAsync(client, path);
        Console.WriteLine();
        Console.WriteLine($"== CRL served again (already published): {served.Elapsed.TotalMilliseconds:N0} ms, {again.Length / 1024.0:N0} KiB");

        // Relying parties fetching at once after a publication: what serving costs in memory per concurrent request.
        using var parallel = server.CreatePublicClients(ParallelFetches)[0];
        var (_, parallelSeconds, before, peak) = await WatchingMemoryAsync(server,
            () => Task.WhenAll(Enumerable.Range(0, ParallelFetches).Select(_ => FetchAsync(parallel, path))));
        Console.WriteLine($"== CRL served to {ParallelFetches} clients at once: {parallelSeconds * 1000:N0} ms; server RSS {before / 1048576.0:N0} MB before, peak {peak / 1048576.0:N0} MB (+{(peak - before) / 1048576.0:N0} MB)");
        Console.WriteLine($"server peak RSS since ready: {server.PeakSinceReadyMb:N0} MB");
    }

    private static Task<(byte[] Crl, double Seconds, long RssBefore, long RssPeak)> FetchWatchingMemoryAsync(AppUnderTest server, HttpClient client, string path) =>
        WatchingMemoryAsync(server, () => FetchAsync(client, path));

    /// <summary>Runs <paramref name="work"/> while sampling the server's resident memory every 5 ms.</summary>
    private static async Task<(T Result, double Seconds, long RssBefore, long RssPeak)> WatchingMemoryAsync<T>(AppUnderTest server, Func<Task<T>> work)
    {
        var rssBefore = server.ResidentBytes();
        var peak = rssBefore;
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes());
                await Task.Delay(5);
            }
        });
        var stopwatch = Stopwatch.StartNew();
        var result = await work();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        await done.CancelAsync();
        await watcher;
        return (result, seconds, rssBefore, Math.Max(peak, server.ResidentBytes()));
    }

    private static async Task<byte[]> FetchAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK ? body : throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
    }

    /// <summary>The number of revokedCertificates in a CertificateList (RFC 5280 §5.1).</summary>
    public static int CountEntries(byte[] crl)
    {
        var tbs = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            tbs.ReadInteger(); // version v2
        tbs.ReadSequence(); // signature
        tbs.ReadSequence(); // issuer
        tbs.ReadEncodedValue(); // thisUpdate
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            tbs.ReadEncodedValue(); // nextUpdate
        if (!tbs.HasData || !tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            return 0;
        var entries = tbs.ReadSequence();
        var count = 0;
        while (entries.HasData)
        {
            entries.ReadEncodedValue();
            count++;
        }
        return count;
    }
}
