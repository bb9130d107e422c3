using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;
using Microsoft.Data.Sqlite;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// Kill -9 in the middle of sustained enrollment: after a restart every certificate a client received is in the
/// database, the database and the audit chain are intact, and the app serves again.
/// </summary>
public sealed class CrashSafetyTests
{
    [Fact]
    public async Task SigkillDuringEnrollmentLoad_LosesNoIssuedCertificate_AndTheAppServesAgain()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        try
        {
            var devices = new List<(string Name, string Secret)>();
            for (var i = 0; i < 4; i++)
                devices.Add(($"crash-{i}", (await EstPortalCli.RunAsync(dataDirectory, "device", "add", $"crash-{i}")).LastLine));
            var ca = X509Certificate2.CreateFromPem((await EstPortalCli.RunAsync(dataDirectory, "ca", "export")).Stdout);

            var received = new ConcurrentBag<string>();
            var estPort = Loopback.FreePort();
            using (var server = ServerProcess.Start(dataDirectory, estPort))
            {
                using var client = ServerProcess.Client(estPort, ca);
                await ServerProcess.WaitReadyAsync(client);
                var stop = new CancellationTokenSource();
                var load = Enumerable.Range(0, 8).Select(loop => Task.Run(async () =>
                {
                    var device = devices[loop % devices.Count];
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=" + device.Name).Base64, Basic(device.Name, device.Secret));
                            if (response.StatusCode == HttpStatusCode.OK)
                                received.Add((await EstResponses.ReadIssuedCertificateAsync(response)).SerialNumber);
                        }
                        catch (HttpRequestException)
                        {
                            // The server died mid-request: that request's certificate was never received.
                        }
                        catch (TaskCanceledException)
                        {
                        }
                    }
                })).ToList();

                // Kill once the load is really flowing, however slow the machine: a fixed delay saw only 10
                // enrollments on a loaded CI runner, which proves too little about what a kill loses.
                var flowing = Stopwatch.StartNew();
                while (received.Count < 50 && flowing.Elapsed < TimeSpan.FromSeconds(60))
                    await Task.Delay(50);
                server.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
                await server.WaitForExitAsync();
                await Task.Delay(300);
                await stop.CancelAsync();
                await Task.WhenAll(load);
            }
            Assert.True(received.Count >= 50, $"only {received.Count} enrollments completed in 60 s before the kill");

            var database = Path.Combine(dataDirectory, "estportal.db");
            await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                await connection.OpenAsync();
                Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check"));
                var stored = new HashSet<string>();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT SerialNumber FROM IssuedCertificates";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    stored.Add(reader.GetString(0));
                Assert.All(received, serial => Assert.Contains(serial, stored));
            }

            var verify = await EstPortalCli.RunAsync(dataDirectory, "audit", "verify");
            Assert.True(verify.ExitCode == 0, verify.ToString());

            using (var restarted = ServerProcess.Start(dataDirectory, estPort))
            {
                using var client = ServerProcess.Client(estPort, ca);
                await ServerProcess.WaitReadyAsync(client);
                using var again = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=crash-0").Base64, Basic(devices[0].Name, devices[0].Secret));
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                restarted.Kill(entireProcessTree: true);
                await restarted.WaitForExitAsync();
            }
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

}
