using System.Diagnostics;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// Once the server has started, and before <c>/readyz</c> says ready (ADR 0028): a <see cref="ThrowawayInstance"/> is
/// started, driven for <see cref="WarmupOptions.Seconds"/> by <see cref="WarmupTraffic"/> and deleted, then the JIT is
/// given time to finish (<see cref="JitSettling"/>). The real database sees none of it: no device, certificate or audit
/// event. A warm-up that fails is logged and only costs speed; the server becomes ready all the same.
/// </summary>
internal sealed partial class StartupWarmup(
    IOptions<WarmupOptions> options,
    WarmupProgress progress,
    IHostApplicationLifetime lifetime,
    ILogger<StartupWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return;
        try
        {
            await WhenStartedAsync(stoppingToken);
            var clock = Stopwatch.StartNew();
            progress.Report("warming up: starting a throw-away instance");
            WarmupTraffic.Tally tally;
            TimeSpan traffic;
            await using (var instance = await ThrowawayInstance.StartAsync(stoppingToken))
            {
                var device = await instance.AddDeviceAsync("warm-up", stoppingToken);
                var serverCertificate = instance.Services.GetRequiredService<TlsCertificateProvider>().Current;
                progress.Report($"warming up: enrolling through a throw-away instance for {settings.Seconds} s");
                var trafficClock = Stopwatch.StartNew();
                tally = await new WarmupTraffic(instance, device, serverCertificate)
                    .RunAsync(settings.Connections, TimeSpan.FromSeconds(settings.Seconds), stoppingToken);
                traffic = trafficClock.Elapsed;
            }
            progress.Report("warming up: waiting for the JIT to compile the enrollment path");
            var settled = await JitSettling.WaitAsync(TimeSpan.FromSeconds(settings.SettleSeconds), stoppingToken);
            // The throw-away instance's objects are garbage now; give their memory back before the load arrives.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (tally.FirstFailure is { } failure)
                LogFailedRequest(tally.Enrollments, failure);
            LogDone(clock.Elapsed.TotalSeconds, tally.Enrollments, tally.OtherRequests, traffic.TotalSeconds, settled.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            LogFailed(e);
        }
        finally
        {
            progress.Finished();
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up done in {Seconds:F1} s: {Enrollments} enrollments and {Requests} other EST requests through a throw-away instance in {TrafficSeconds:F1} s, then {SettleSeconds:F1} s for the JIT. Ready.")]
    private partial void LogDone(double seconds, int enrollments, int requests, double trafficSeconds, double settleSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up: a request to the throw-away instance failed after {Enrollments} enrollments, so the first real requests may be slower: {Failure}")]
    private partial void LogFailedRequest(int enrollments, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up failed; the server is ready, only its first requests will be slower")]
    private partial void LogFailed(Exception exception);
}
