using System.Net;
using EstPortal.Tests.Support;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Hosting;

/// <summary>`profile add|list|show|set`, `pending list|show|approve|reject` and `ca rollover`, as an operator scripts them.</summary>
public sealed class ProfileAndPendingCommandTests(SharedCliDataDirectory shared) : IClassFixture<SharedCliDataDirectory>
{
    [Fact]
    public async Task ProfileAdd_ThenListAndShow_ShowTheLabelAndPolicy()
    {
        var added = await EstPortalCli.RunAsync(shared.Path, "profile", "add", "plant7", "--label", "plant7", "--no-rsa", "--curves", "P-384",
            "--fixed", "O=Acme", "--require-approval", "--auth", "credential,token");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("/.well-known/est/plant7/", added.Stdout, StringComparison.Ordinal);

        var list = await EstPortalCli.RunAsync(shared.Path, "profile", "list");
        Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith("plant7\t/.well-known/est/plant7/", StringComparison.Ordinal) && l.Contains("approval=yes", StringComparison.Ordinal));
        Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith("default\t/.well-known/est/\t", StringComparison.Ordinal));

        var show = await EstPortalCli.RunAsync(shared.Path, "profile", "show", "plant7");
        Assert.Contains("\"allowRsa\": false", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"P-384\"", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"O\": \"Acme\"", show.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("simpleenroll", "operation name")]
    [InlineData("a/b", "path segment")]
    public async Task ProfileAdd_BadLabel_FailsSayingWhy(string label, string mentions)
    {
        var result = await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, "profile", "add", "bad-" + Guid.NewGuid().ToString("N")[..6], "--label", label);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(mentions, result.Stderr, StringComparison.Ordinal);
        Assert.False(result.StartedWebServer);
    }

    [Fact]
    public async Task AcceptReenrollmentFrom_NamesExistingProfiles_AndProfileSetChangesIt()
    {
        var unknown = await EstPortalCli.RunAsync(shared.Path, "profile", "add", "field-x", "--label", "fieldx", "--accept-reenrollment-from", "nosuch");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("No profile is named 'nosuch'", unknown.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await EstPortalCli.RunAsync(shared.Path, "profile", "add", "factory-x", "--label", "factoryx")).ExitCode);
        var added = await EstPortalCli.RunAsync(shared.Path, "profile", "add", "field-x", "--label", "fieldx", "--accept-reenrollment-from", "factory-x");
        Assert.True(added.ExitCode == 0, added.ToString());
        var show = await EstPortalCli.RunAsync(shared.Path, "profile", "show", "field-x");
        Assert.Contains("\"acceptReenrollmentFrom\": [\n    \"factory-x\"", show.Stdout.Replace("\r", ""), StringComparison.Ordinal);

        var cleared = await EstPortalCli.RunAsync(shared.Path, "profile", "set", "field-x", "--accept-reenrollment-from", "");
        Assert.True(cleared.ExitCode == 0, cleared.ToString());
        Assert.Contains("\"acceptReenrollmentFrom\": []", (await EstPortalCli.RunAsync(shared.Path, "profile", "show", "field-x")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileAdd_BadPolicy_FailsWithTheValidationMessage()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, "profile", "add", "weak", "--label", "weak", "--min-rsa", "1024");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("2048", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PendingApprove_FromTheCommandLine_LetsTheDevicesRetryThrough()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "held", "--label", "held", "--require-approval")).ExitCode);
            var secret = (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "held-device", "--san", @"dns:{device}\.plant\.example")).LastLine;
            using var host = EstPortalHost.Create(dataDirectory);
            host.KeepDataDirectory = true;
            await host.InitializeAsync();
            using var client = host.CreateEstClient();
            var csr = TestCsr.Create("CN=held-device", ["held-device.plant.example"]);
            using (var first = await PostAsync(client, "/.well-known/est/held/simpleenroll", csr.Base64, Basic("held-device", secret)))
                Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

            var list = await EstPortalCli.RunAsync(dataDirectory, "pending", "list");
            var line = Assert.Single(list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("credential:held-device", StringComparison.Ordinal));
            var id = line.Split('\t')[0];
            var csrHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(csr.Der));
            Assert.EndsWith($"csr-sha256:{csrHash}", line.TrimEnd(), StringComparison.Ordinal);
            var show = await EstPortalCli.RunAsync(dataDirectory, "pending", "show", id);
            Assert.True(show.ExitCode == 0, show.ToString());
            Assert.Contains("subject: CN=held-device", show.Stdout, StringComparison.Ordinal);
            Assert.Contains("subjectAltName: DNS:held-device.plant.example", show.Stdout, StringComparison.Ordinal);
            Assert.Contains("key: EC P-256", show.Stdout, StringComparison.Ordinal);
            Assert.Contains($"csr-sha256: {csrHash}", show.Stdout, StringComparison.Ordinal);
            var refused = await EstPortalCli.RunAsync(dataDirectory, EstPortalCli.CommandTimeout, "pending", "reject", id);
            Assert.NotEqual(0, refused.ExitCode); // a rejection needs --reason
            var otherCsr = await EstPortalCli.RunAsync(dataDirectory, EstPortalCli.CommandTimeout, "pending", "approve", id, "--csr-sha256", new string('0', 64));
            Assert.NotEqual(0, otherCsr.ExitCode); // the request holds another CSR: nothing is approved
            Assert.Contains("nothing was decided", otherCsr.Stderr, StringComparison.Ordinal);
            var approved = await EstPortalCli.RunAsync(dataDirectory, "pending", "approve", id, "--csr-sha256", csrHash);
            Assert.True(approved.ExitCode == 0, approved.ToString());

            using var retry = await PostAsync(client, "/.well-known/est/held/simpleenroll", csr.Base64, Basic("held-device", secret));
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task CaRollover_ReplacesTheDefaultRootAndExportCarriesTheLinks()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        try
        {
            var before = ToolWorkspace.ReadPemCertificates((await EstPortalCli.RunAsync(dataDirectory, "ca", "export")).Stdout);
            var rolled = await EstPortalCli.RunAsync(dataDirectory, "ca", "rollover");
            Assert.True(rolled.ExitCode == 0, rolled.ToString());

            var after = ToolWorkspace.ReadPemCertificates((await EstPortalCli.RunAsync(dataDirectory, "ca", "export")).Stdout);
            Assert.Equal(3, after.Count);
            Assert.DoesNotContain(after, c => c.Thumbprint == before.Single().Thumbprint);
            var list = await EstPortalCli.RunAsync(dataDirectory, "ca", "list");
            Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith("default\tdefault", StringComparison.Ordinal));
            Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith("default-retired-", StringComparison.Ordinal) && l.Contains("\tretired\t", StringComparison.Ordinal));
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task AuditVerify_IntactThenTampered_ExitCodeAndMessageNameTheEvent()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "audit-device")).ExitCode);
            var intact = await EstPortalCli.RunAsync(dataDirectory, "audit", "verify");
            Assert.True(intact.ExitCode == 0, intact.ToString());
            Assert.Contains("intact", intact.Stdout, StringComparison.Ordinal);

            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "estportal.db")};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "UPDATE AuditEvents SET Actor = 'someone-else' WHERE Sequence = 2";
                Assert.Equal(1, await command.ExecuteNonQueryAsync());
            }

            var tampered = await EstPortalCli.RunAsync(dataDirectory, "audit", "verify");
            Assert.NotEqual(0, tampered.ExitCode);
            Assert.Contains("event #2", tampered.Stderr, StringComparison.Ordinal);
            Assert.Contains("was changed", tampered.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }
}
