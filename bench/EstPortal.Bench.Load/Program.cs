using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Bench.Load;

// EstPortal load generator (issue: prove it under load). Starts the built app as a separate process on 127.0.0.1 with
// a fresh data directory and rate limiting off, registers device credentials with the app's own admin command, then
// drives /simpleenroll over HTTPS keep-alive with pre-generated CSRs (distinct keys), /cacerts, and a variant with a
// new TLS handshake per request, and reports throughput, latency percentiles, errors, the server's CPU time and peak
// RSS, and the raw ECDSA P-256 signing rate of this machine for comparison. `--warmup 0` measures a cold server second by
// second beside its steady state. Other modes: --flood, --ocsp, --crl, --pkcs11, --coaps (EST over CoAP/DTLS); --ceiling drives
// EstPortal.Bench.Ceiling instead of the app, to measure what this machine allows any EST server.
var options = BenchOptions.Parse(args);
var app = options.Ceiling ? "EstPortal.Bench.Ceiling (--ceiling: not the app)" : AppUnderTest.Locate(options.AppDll);
Console.WriteLine($"app: {app}   connections: {options.Connections}   duration: {options.Seconds}s per phase   devices: {options.Devices}   warm-up: {options.WarmupSeconds}s");
Console.WriteLine(options.Ceiling ? "database: none"
    : options.Postgres is null
    ? "database: SQLite (embedded)"
    : $"database: PostgreSQL (fresh database on {new Npgsql.NpgsqlConnectionStringBuilder(options.Postgres).Host}), {options.Instances} instance(s), load spread round-robin");

var raw = CryptoLimit.MeasureEcdsaP256SignsPerSecond(TimeSpan.FromSeconds(2));
Console.WriteLine($"raw ECDSA P-256 signing on this machine: {raw.PerCore:N0}/s on one core, {raw.AllCores:N0}/s on {Environment.ProcessorCount} cores");

IReadOnlyList<string> appSettings = options.Coaps ? [.. options.AppSettings, .. CoapsRun.AppSettings(options.Connections)] : options.AppSettings;
await using var server = options.Ceiling
    ? await AppUnderTest.StartCeilingAsync(options.Devices, options.ServerEnvironment)
    : await AppUnderTest.StartAsync(app, options.Devices, options.Postgres, options.Instances, appSettings, options.Pkcs11, options.ServerEnvironment,
        options.DataFrom);
if (options.ServerEnvironment.Count > 0)
    Console.WriteLine($"server environment: {string.Join(' ', options.ServerEnvironment)}");
Console.WriteLine($"server pid(s) {server.Pids}, EST at {string.Join(", ", server.EstUrls)}");

if (options.Crl)
{
    // Only CRL publication for a CA with many revoked certificates (issue 15 item 3).
    await CrlRun.RunAsync(server, options);
    return;
}

var csrs = CsrPool.Generate(options.Ocsp ? options.OcspCertificates : options.CsrCount, server.Devices.Select(d => d.Name).ToList());
if (options.Flood > 0)
{
    if (options.WarmupSeconds > 0)
    {
        await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds), newConnectionPerRequest: false);
        Console.WriteLine($"warm-up: {options.WarmupSeconds}s of enrollments, not measured");
    }
    await FloodRun.RunAsync(server, csrs, options);
    return;
}
if (options.Coaps)
{
    // Only EST over secure CoAP (RFC 9148): DTLS sessions of devices holding certificates issued over HTTPS first.
    await CoapsRun.RunAsync(server, csrs, options, appSettings);
    return;
}
if (options.Ocsp)
{
    // Only OCSP: relying parties asking about a fleet's certificates, a quarter of them revoked (ADR 0015).
    var fleet = await OcspFleet.CreateAsync(server, csrs, options.OcspCertificates, options.OcspCertificates / 4);
    Console.WriteLine($"ocsp: {options.OcspCertificates} certificates enrolled, {options.OcspCertificates / 4} revoked (one UPDATE in the database)");
    if (options.WarmupSeconds > 0)
        await LoadRun.OcspGetAsync(server, fleet, options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds));
    var start = server.BeginPhase();
    var ocsp = await LoadRun.OcspGetAsync(server, fleet, options.Connections, TimeSpan.FromSeconds(options.Seconds));
    Report.Print("ocsp GET (plain HTTP, good and revoked serials)", ocsp, start, server.Sample(), null);
    return;
}
if (options.WarmupSeconds > 0)
{
    // Not measured: both paths run until the JIT has optimised them; a 10 s phase on a cold server spends a
    // noticeable share of its CPU in the compiler.
    var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
    await LoadRun.EnrollAsync(server, csrs, options.Connections, warmup, newConnectionPerRequest: false);
    await LoadRun.CaCertsAsync(server, options.Connections, warmup, newConnectionPerRequest: false);
    Console.WriteLine($"warm-up: {options.WarmupSeconds}s of enrollments and {options.WarmupSeconds}s of /cacerts, not measured");
}
if (options.WarmupSeconds == 0 && options.PrewarmSeconds > 0)
{
    // A light, short exercise of both paths, then an idle machine for the tiered JIT's background compilation.
    var prewarm = TimeSpan.FromSeconds(options.PrewarmSeconds);
    var prewarmEnroll = await LoadRun.EnrollAsync(server, csrs, 2, prewarm, newConnectionPerRequest: false);
    var prewarmCaCerts = await LoadRun.CaCertsAsync(server, 2, prewarm, newConnectionPerRequest: false);
    await Task.Delay(TimeSpan.FromSeconds(3));
    Console.WriteLine($"prewarm: {prewarmEnroll.Succeeded:N0} enrollments and {prewarmCaCerts.Succeeded:N0} /cacerts over 2 connections, then 3 s idle");
}
var before = server.BeginPhase();
var enroll = await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.Seconds), newConnectionPerRequest: false,
    primed: options.WarmupSeconds > 0);
var afterEnroll = server.Sample();
Report.Print(options.WarmupSeconds > 0 ? "simpleenroll (keep-alive)" : "simpleenroll (keep-alive), cold: the first request is the server's first", enroll, before, afterEnroll, raw);
if (options.WarmupSeconds == 0)
{
    // The warm figure beside the cold one: the same server after SteadyAfterSeconds more of load (issue 15 item 2).
    await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.SteadyAfterSeconds), newConnectionPerRequest: false);
    var beforeSteady = server.BeginPhase();
    var steady = await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.Seconds), newConnectionPerRequest: false);
    afterEnroll = server.Sample();
    Report.Print($"simpleenroll (keep-alive), steady: after {options.SteadyAfterSeconds}s more of enrollments", steady, beforeSteady, afterEnroll, raw);
    Report.PrintColdStart(enroll, steady.Succeeded / steady.Seconds);
}

if (options.Pkcs11)
{
    // The same run, the same devices and CSRs: only the CA key differs (software vs. SoftHSM2 through PKCS#11).
    var hsmPath = $"/.well-known/est/{SoftHsmBench.Label}/simpleenroll";
    if (options.WarmupSeconds > 0)
        await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds), newConnectionPerRequest: false, hsmPath);
    var beforeHsm = server.BeginPhase();
    var hsmEnroll = await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.Seconds), newConnectionPerRequest: false, hsmPath);
    afterEnroll = server.Sample();
    Report.Print("simpleenroll, CA key in SoftHSM2 (keep-alive)", hsmEnroll, beforeHsm, afterEnroll, raw);
}

var beforeCacerts = server.BeginPhase();
var cacerts = await LoadRun.CaCertsAsync(server, options.Connections, TimeSpan.FromSeconds(options.Seconds), newConnectionPerRequest: false);
var afterCacerts = server.Sample();
Report.Print("cacerts (keep-alive)", cacerts, beforeCacerts, afterCacerts, null);

var beforeHandshake = server.BeginPhase();
var handshake = await LoadRun.EnrollAsync(server, csrs, options.Connections, TimeSpan.FromSeconds(options.Seconds), newConnectionPerRequest: true);
var afterHandshake = server.Sample();
Report.Print("simpleenroll (new TLS handshake per request)", handshake, beforeHandshake, afterHandshake, raw);

Console.WriteLine($"server peak RSS since ready, warm-up load included: {server.PeakSinceReadyMb:N0} MB{(options.Instances > 1 ? " (largest instance)" : "")}");
