using System.Net;
using EstPortal.Tests.Support;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Hosting;

/// <summary>`device import FILE.csv` and `token issue --count N --csv`, as an operator scripts an installation day.</summary>
public sealed class BulkCommandTests
{
    [Fact]
    public async Task DeviceImport_PrintsCredentialsAsCsv_ThatEnroll_AndABadFileCreatesNothing()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        try
        {
            var bad = Path.Combine(dataDirectory, "bad.csv");
            await File.WriteAllTextAsync(bad, "name,description\nok-1,fine\nno:colon,x\n");
            var refused = await EstPortalCli.RunAsync(dataDirectory, "device", "import", bad);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("bad.csv:3: A device name cannot contain ':'", refused.Stderr);
            Assert.Contains("no device was created", refused.Stderr);

            var good = Path.Combine(dataDirectory, "plant.csv");
            await File.WriteAllTextAsync(good, "description,name\r\n\"Hall 3, north\",meter-001\r\n,meter-002\r\n");
            var imported = await EstPortalCli.RunAsync(dataDirectory, "device", "import", good);
            Assert.True(imported.ExitCode == 0, imported.ToString());
            var lines = imported.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("name,secret", lines[0]);
            Assert.Equal(["meter-001", "meter-002"], lines.Skip(1).Select(l => l.Split(',')[0]));
            Assert.Contains("Created 2 devices", imported.Stderr);
            var again = await EstPortalCli.RunAsync(dataDirectory, "device", "import", good);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("A device named 'meter-001' already exists.", again.Stderr);

            var tokens = await EstPortalCli.RunAsync(dataDirectory, "token", "issue", "--count", "3", "--csv", "--ttl", "2h", "--note", "crew B");
            Assert.True(tokens.ExitCode == 0, tokens.ToString());
            var rows = tokens.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("id,token,expiresAt,device,profile,note", rows[0]);
            Assert.Equal(3, rows.Skip(1).Select(r => r.Split(',')[1]).Distinct().Count());
            Assert.All(rows.Skip(1), r => Assert.EndsWith(",crew B", r));

            using var host = EstPortalHost.Create(dataDirectory);
            host.KeepDataDirectory = true;
            await host.InitializeAsync();
            using var client = host.CreateEstClient();
            var secret = lines[2].Split(',')[1];
            using (var enrolled = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=meter-002").Base64, Basic("meter-002", secret)))
                Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
            var token = rows[3].Split(',')[1];
            using (var byToken = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=installer-7").Base64, Basic("installer", token)))
                Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
            using (var twice = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=installer-7").Base64, Basic("installer", token)))
                Assert.Equal(HttpStatusCode.Unauthorized, twice.StatusCode);
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }
}
