using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// The built app as its own server process on a data directory, as an operator runs it: for tests that kill it,
/// back it up while it serves, or restore under it.
/// </summary>
public static class ServerProcess
{
    /// <param name="output">Receives every line the server writes to stdout and stderr.</param>
    public static Process Start(string dataDirectory, int estPort, Action<string>? output = null)
    {
        var start = new ProcessStartInfo(EstPortalCli.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(EstPortalCli.AppPath),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     EstPortalCli.AppPath, $"--EstPortal:DataDirectory={dataDirectory}", $"--Kestrel:Endpoints:Est:Url=https://127.0.0.1:{estPort}",
                     $"--Kestrel:Endpoints:Portal:Url=https://127.0.0.1:{Loopback.FreePort()}", $"--Kestrel:Endpoints:Public:Url=http://127.0.0.1:{Loopback.FreePort()}",
                     "--EstPortal:RateLimiting:Enabled=false",
                     // The start-up warm-up (ADR 0028) is tested on its own (StartupWarmupTests).
                     "--EstPortal:Warmup:Seconds=0",
                 })
            start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("EstPortal__DataDirectory");
        return StartKilledOnDispose(start, output);
    }

    /// <summary>Any server command line, with its output lines to <paramref name="output"/>, killed when disposed.</summary>
    public static Process StartKilledOnDispose(ProcessStartInfo start, Action<string>? output)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = new KilledOnDispose { StartInfo = start };
        process.Start();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output?.Invoke(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output?.Invoke(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static HttpClient Client(int estPort, X509Certificate2 ca) =>
        new(new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && Loopback.ChainsTo(ca, new X509Certificate2(certificate)),
            },
        })
        { BaseAddress = new Uri($"https://127.0.0.1:{estPort}"), Timeout = TimeSpan.FromSeconds(10) };

    public static async Task WaitReadyAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                using var response = await client.GetAsync("/.well-known/est/cacerts");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("the app did not come up");
    }

    /// <summary>
    /// A server a test started must not outlive it: a failed assertion inside <c>using</c> would otherwise leave it
    /// running (and holding its data directory) after the test run.
    /// </summary>
    private sealed class KilledOnDispose : Process
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    if (!HasExited)
                        Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Never started, or already gone.
                }
            }
            base.Dispose(disposing);
        }
    }
}
