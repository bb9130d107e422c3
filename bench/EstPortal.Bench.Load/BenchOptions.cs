using System.Globalization;

namespace EstPortal.Bench.Load;

/// <param name="Postgres">A PostgreSQL server connection string whose role may create databases; null for SQLite.</param>
/// <param name="Instances">App processes sharing the database (PostgreSQL only); load is spread over them round-robin.</param>
/// <param name="WarmupSeconds">Unmeasured enrollment and /cacerts load first, so that the measured phases see a warm
/// server (tiered JIT has promoted the hot paths), as a production server is after its first minutes. 30 s by default:
/// with 5 s the JIT's background compiler still used ~28 % of all CPU during the measured enrollment phase (perf), and
/// an enrollment measured 2.6 ms of server CPU instead of the steady 1.6 ms (bench/est-load-profile.md).
/// `--warmup 0` measures a cold server instead: the enrollment phase starts with the server's first EST request, its rate
/// is printed second by second, and a steady-state phase after <paramref name="SteadyAfterSeconds"/> more of load is
/// printed beside it.</param>
/// <param name="PrewarmSeconds">With `--warmup 0`: `--prewarm S` first runs S seconds of enrollments and of /cacerts over
/// two connections, then leaves the server idle for 3 s, before the cold phase: what a warm-up inside the app at start
/// (before `/readyz` says ready) would buy, measured before building one.</param>
/// <param name="SteadyAfterSeconds">With `--warmup 0`: unmeasured load between the cold phase and the steady one (`--steady-after`, 30 s).</param>
/// <param name="Flood">When above 0, the flood mode instead (<see cref="FloodRun"/>): one device enrolling at
/// <paramref name="Rate"/> per second, quiet and then while this many anonymous junk requests come from 127.0.0.2.</param>
/// <param name="Ocsp">Measure only OCSP GETs (`--ocsp`): <paramref name="OcspCertificates"/> enrolled certificates, a quarter of
/// them revoked, asked about in turn.</param>
/// <param name="Crl">Measure only CRL publication (`--crl`, <see cref="CrlRun"/>): <paramref name="CrlRevoked"/> revoked
/// certificates of the default CA inserted straight into the database, then the time and server memory to publish its CRL.</param>
/// <param name="ServerEnvironment">`--env KEY=VALUE` (repeatable): environment variables for the app instances only, e.g.
/// `--env DOTNET_TieredPGO=0` to measure a runtime setting's effect on the cold start.</param>
/// <param name="AppSettings">`--set Key=Value` (repeatable): extra settings for the app instances, e.g.
/// `--set EstPortal:Ocsp:CacheMegabytes=0` to measure OCSP with every answer signed.</param>
/// <param name="DataFrom">`--data-from DIR`: start from a copy of this SQLite data directory (e.g. one
/// `EstPortal.Bench.Seed` filled with 100,000 devices and 1,000,000 certificates) instead of an empty one, to compare
/// enrollment on a large database with an empty one.</param>
/// <param name="Pkcs11">Also measure enrollments under a CA whose key is in a SoftHSM2 token (profile label "hsm").</param>
/// <param name="Coaps">Measure only EST over secure CoAP (`--coaps`, <see cref="CoapsRun"/>): <paramref name="Connections"/> DTLS
/// sessions posting /sen.</param>
/// <param name="Ceiling">`--ceiling`: drive EstPortal.Bench.Ceiling instead of the app — bare Kestrel with TLS and only the
/// crypto an enrollment cannot do without — to measure what this machine allows any EST server, with the same phases.</param>
internal sealed record BenchOptions(int Connections, int Seconds, int Devices, int CsrCount, string? AppDll, string? Postgres, int Instances,
    int WarmupSeconds, int Flood, int Rate, bool Ocsp, int OcspCertificates, IReadOnlyList<string> AppSettings, bool Pkcs11,
    bool Coaps, int SteadyAfterSeconds, bool Crl, int CrlRevoked, IReadOnlyList<string> ServerEnvironment, string? DataFrom, int PrewarmSeconds, bool Ceiling)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new BenchOptions(Int("--connections", 64), Int("--seconds", 15), Int("--devices", 64), Int("--csrs", 60_000), Value("--app"),
            Value("--postgres"), Int("--instances", 1), Int("--warmup", 30), Int("--flood", 0), Int("--rate", 20), args.Contains("--ocsp"), Int("--ocsp-certificates", 400),
            args.Select((a, i) => (a, i)).Where(p => p.a == "--set" && p.i + 1 < args.Length).Select(p => "--" + args[p.i + 1]).ToList(), args.Contains("--pkcs11"),
            args.Contains("--coaps"), Int("--steady-after", 30), args.Contains("--crl"), Int("--crl-revoked", 100_000),
            args.Select((a, i) => (a, i)).Where(p => p.a == "--env" && p.i + 1 < args.Length && args[p.i + 1].Contains('=')).Select(p => args[p.i + 1]).ToList(),
            Value("--data-from"), Int("--prewarm", 0), args.Contains("--ceiling"));
        if (options.DataFrom is not null && (options.Postgres is not null || !File.Exists(Path.Combine(options.DataFrom, "estportal.db"))))
            throw new ArgumentException("--data-from DIR takes a SQLite data directory (DIR/estportal.db), without --postgres");
        if (options.Ceiling && (options.Postgres is not null || options.DataFrom is not null || options.Pkcs11 || options.Ocsp || options.Crl || options.Coaps || options.Flood > 0))
            throw new ArgumentException("--ceiling measures the plain enrollment and /cacerts phases only: no database, HSM or other mode");
        if (options.Instances < 1 || (options.Instances > 1 && options.Postgres is null))
            throw new ArgumentException("--instances N needs --postgres CONNECTION-STRING: several instances share one PostgreSQL database");
        return options;
    }
}
