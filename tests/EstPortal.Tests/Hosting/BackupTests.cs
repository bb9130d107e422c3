using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;
using Microsoft.Data.Sqlite;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// `backup create` on a serving installation and `backup restore` onto another data directory, as an operator runs
/// them from a shell (ADR 0019): what was issued before the backup comes back, the audit chain verifies, the CA key
/// still signs; and every way a restore could lose data or keys is refused before anything changes.
/// </summary>
public sealed class BackupTests
{
    [Fact]
    public async Task BackupUnderEnrollmentLoad_RestoredElsewhere_HasEveryEarlierCertificate_AVerifiedAuditLog_AndACaThatSigns()
    {
        var source = AdminCommandTests.NewDataDirectory();
        var restored = AdminCommandTests.NewDataDirectory();
        var backup = Path.Combine(source, "..", Path.GetFileName(source) + ".backup");
        try
        {
            var devices = new List<(string Name, string Secret)>();
            for (var i = 0; i < 4; i++)
                devices.Add(($"backup-{i}", (await EstPortalCli.RunAsync(source, "device", "add", $"backup-{i}")).LastLine));
            var ca = X509Certificate2.CreateFromPem((await EstPortalCli.RunAsync(source, "ca", "export")).Stdout);

            var received = new ConcurrentQueue<string>();
            var estPort = Loopback.FreePort();
            using (var server = ServerProcess.Start(source, estPort))
            {
                using var client = ServerProcess.Client(estPort, ca);
                await ServerProcess.WaitReadyAsync(client);
                using var stop = new CancellationTokenSource();
                var load = Enumerable.Range(0, 6).Select(loop => Task.Run(async () =>
                {
                    var device = devices[loop % devices.Count];
                    while (!stop.IsCancellationRequested)
                    {
                        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=" + device.Name).Base64, Basic(device.Name, device.Secret));
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        received.Enqueue((await EstResponses.ReadIssuedCertificateAsync(response)).SerialNumber);
                    }
                })).ToList();

                // Under a loaded CI machine the first enrollments can take seconds; back up once the load is real.
                for (var waited = 0; received.Count < 20 && waited < 600 && !load.Any(t => t.IsFaulted); waited++)
                    await Task.Delay(100);
                var beforeBackup = received.ToArray();
                var create = await EstPortalCli.RunAsync(source, "backup", "create", backup);
                var duringBackup = received.Count - beforeBackup.Length;
                await Task.Delay(300);
                await stop.CancelAsync();
                await Task.WhenAll(load);

                Assert.True(create.ExitCode == 0, create.ToString());
                Assert.Contains("key-encryption key", create.Stdout);
                Assert.Contains(Path.Combine(source, "keys", "key-encryption-key.pfx"), create.Stdout);
                Assert.True(beforeBackup.Length > 10, $"only {beforeBackup.Length} enrollments before the backup");
                Assert.True(duringBackup > 0, "no enrollment completed while the backup ran: it must not stop the server");

                // A restore must never pull the database from under a running server.
                var underServer = await EstPortalCli.RunAsync(source, "backup", "restore", backup);
                Assert.Equal(1, underServer.ExitCode);
                Assert.Contains("a server is running", underServer.Stderr);
                using var stillServing = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=backup-0").Base64, Basic(devices[0].Name, devices[0].Secret));
                Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);

                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();

                // Elsewhere: the operator brings the key-encryption key, then restores.
                Directory.CreateDirectory(Path.Combine(restored, "keys"));
                File.Copy(Path.Combine(source, "keys", "key-encryption-key.pfx"), Path.Combine(restored, "keys", "key-encryption-key.pfx"));
                var restore = await EstPortalCli.RunAsync(restored, "backup", "restore", backup);
                Assert.True(restore.ExitCode == 0, restore.ToString());

                var stored = await SerialsAsync(Path.Combine(restored, "estportal.db"));
                Assert.All(beforeBackup, serial => Assert.Contains(serial, stored));

                var verify = await EstPortalCli.RunAsync(restored, "audit", "verify");
                Assert.True(verify.ExitCode == 0, verify.ToString());
            }

            var restoredPort = Loopback.FreePort();
            using var restoredServer = ServerProcess.Start(restored, restoredPort);
            try
            {
                using var client = ServerProcess.Client(restoredPort, ca);
                await ServerProcess.WaitReadyAsync(client);
                using var again = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=backup-1").Base64, Basic(devices[1].Name, devices[1].Secret));
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                var issued = await EstResponses.ReadIssuedCertificateAsync(again);
                Assert.True(Loopback.ChainsTo(ca, issued), "the restored CA key did not sign a certificate that chains to the original CA");
            }
            finally
            {
                restoredServer.Kill(entireProcessTree: true);
                await restoredServer.WaitForExitAsync();
            }
        }
        finally
        {
            File.Delete(backup);
            AdminCommandTests.DeleteDataDirectory(source);
            AdminCommandTests.DeleteDataDirectory(restored);
        }
    }

    [Fact]
    public async Task Restore_WithoutTheKeyEncryptionKeyOfTheBackup_IsRefused_AndNoDatabaseAppears()
    {
        var source = AdminCommandTests.NewDataDirectory();
        var elsewhere = AdminCommandTests.NewDataDirectory();
        var backup = Path.Combine(source, "db.backup");
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(source, "device", "add", "kek-1")).ExitCode);
            var create = await EstPortalCli.RunAsync(source, "backup", "create", backup);
            Assert.True(create.ExitCode == 0, create.ToString());

            var restore = await EstPortalCli.RunAsync(elsewhere, "backup", "restore", backup);

            Assert.Equal(1, restore.ExitCode);
            Assert.Contains("cannot decrypt the backup's key ring", restore.Stderr);
            Assert.False(File.Exists(Path.Combine(elsewhere, "estportal.db")), "a refused restore left a database behind");
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(source);
            AdminCommandTests.DeleteDataDirectory(elsewhere);
        }
    }

    [Fact]
    public async Task Restore_OntoAStoppedInstallation_KeepsTheReplacedDatabaseAside_WithItsLaterData()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        var backup = Path.Combine(dataDirectory, "db.backup");
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "early")).ExitCode);
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "backup", "create", backup)).ExitCode);
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "late")).ExitCode);

            var restore = await EstPortalCli.RunAsync(dataDirectory, "backup", "restore", backup);

            Assert.True(restore.ExitCode == 0, restore.ToString());
            var devices = await DeviceNamesAsync(Path.Combine(dataDirectory, "estportal.db"));
            Assert.Contains("early", devices);
            Assert.DoesNotContain("late", devices);
            var aside = Directory.GetFiles(dataDirectory, "estportal.db.before-restore-*").Single(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));
            Assert.Contains(aside, restore.Stdout);
            Assert.Contains("late", await DeviceNamesAsync(aside));
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    [Theory]
    [InlineData("not a database at all")]
    [InlineData("")]
    public async Task Restore_OfAFileThatIsNoBackup_IsRefused_AndTheDatabaseIsUntouched(string content)
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        var bogus = Path.Combine(dataDirectory, "bogus.backup");
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "keep-me")).ExitCode);
            await File.WriteAllTextAsync(bogus, content);

            var restore = await EstPortalCli.RunAsync(dataDirectory, "backup", "restore", bogus);

            Assert.Equal(1, restore.ExitCode);
            Assert.Contains("is not a usable EstPortal backup", restore.Stderr);
            Assert.Contains("keep-me", await DeviceNamesAsync(Path.Combine(dataDirectory, "estportal.db")));
            Assert.Empty(Directory.GetFiles(dataDirectory, "estportal.db.before-restore-*"));
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task BackupCreate_NeverOverwritesAFile()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        var existing = Path.Combine(dataDirectory, "precious.txt");
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "d")).ExitCode);
            await File.WriteAllTextAsync(existing, "precious");

            var create = await EstPortalCli.RunAsync(dataDirectory, "backup", "create", existing);

            Assert.Equal(1, create.ExitCode);
            Assert.Contains("never overwrites", create.Stderr);
            Assert.Equal("precious", await File.ReadAllTextAsync(existing));
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    private static async Task<HashSet<string>> SerialsAsync(string database) =>
        await ColumnAsync(database, "SELECT SerialNumber FROM IssuedCertificates");

    private static async Task<HashSet<string>> DeviceNamesAsync(string database) =>
        await ColumnAsync(database, "SELECT Name FROM Devices");

    private static async Task<HashSet<string>> ColumnAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new HashSet<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }
}
