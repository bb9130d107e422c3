using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Hosting;

/// <summary>A data directory shared by the admin-command tests that need no fresh one; removed at the end.</summary>
public sealed class SharedCliDataDirectory : IDisposable
{
    public string Path { get; } = AdminCommandTests.NewDataDirectory();

    public void Dispose() => AdminCommandTests.DeleteDataDirectory(Path);
}

/// <summary>
/// `EstPortal &lt;command&gt;` run as a separate process of the real built app, the way an operator runs it on the
/// server: output, exit codes, and that what it prints (CA, device secret, token, password) then works against the
/// app started on the same data directory. A failing command must say why on stderr, exit non-zero promptly, and
/// never start the web server.
/// </summary>
public sealed partial class AdminCommandTests(SharedCliDataDirectory shared) : IClassFixture<SharedCliDataDirectory>
{
    /// <summary>A command that fails should come back promptly; a web server that started would never exit.</summary>
    private static readonly TimeSpan FailureTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void AppUnderTest_IsTheBuiltExecutableWithItsRuntimeConfig()
    {
        Assert.True(File.Exists(EstPortalCli.AppPath));
        Assert.True(File.Exists(Path.ChangeExtension(EstPortalCli.AppPath, ".runtimeconfig.json")));
    }

    [Fact]
    public async Task CaList_ShowsTheDefaultCa()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, "ca", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length >= 5).ToList();
        Assert.Contains(lines, f => f[0] == "default" && f[1] == "default" && f[^1].Contains("CN=EstPortal Root CA", StringComparison.Ordinal));
        Assert.False(result.StartedWebServer, result.ToString());
    }

    [Fact]
    public async Task CaExport_PrintsOnePemCertificateForTheRootCa()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, "ca", "export");

        Assert.True(result.ExitCode == 0, result.ToString());
        var certificate = Assert.Single(ToolWorkspace.ReadPemCertificates(result.Stdout));
        Assert.Equal("CN=EstPortal Root CA", certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
    }

    [Fact]
    public async Task CaExport_OnAFreshDataDirectory_WritesNothingButThePemToStdoutSoItCanBeRedirectedToAFile()
    {
        // The operator's first step on a new server: `EstPortal ca export > ca.pem`, then hand ca.pem to devices.
        var dataDirectory = NewDataDirectory();
        try
        {
            var result = await EstPortalCli.RunAsync(dataDirectory, "ca", "export");

            Assert.True(result.ExitCode == 0, result.ToString());
            var redirected = result.Stdout.Trim();
            Assert.True(
                redirected.StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                && redirected.EndsWith("-----END CERTIFICATE-----", StringComparison.Ordinal),
                $"ca.pem would hold more than the certificate chain:\n{result.Stdout}");
            Assert.Single(ToolWorkspace.ReadPemCertificates(redirected));
        }
        finally
        {
            DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task CaExport_UnknownName_FailsWithAnErrorAndPrintsNoCertificate()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, FailureTimeout, "ca", "export", "nope");

        AssertFailedCleanly(result, "nope");
        Assert.Empty(ToolWorkspace.ReadPemCertificates(result.Stdout));
    }

    [Fact]
    public async Task DeviceAdd_PrintsASecretOnTheLastLineThatEnrollsOverEstAgainstTheAppOnTheSameDataDirectory()
    {
        var dataDirectory = NewDataDirectory();
        var added = await EstPortalCli.RunAsync(dataDirectory, "device", "add", "d1", "--description", "lab unit");
        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = added.LastLine;
        Assert.Matches(Base64UrlSecret(), secret);

        using var host = EstPortalHost.Create(dataDirectory: dataDirectory);
        await host.InitializeAsync();
        using var client = host.CreateEstClient();
        var csr = TestCsr.Create("CN=d1");
        using var response = await EnrollAsync(client, csr, "d1", secret);

        var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal("CN=d1", issued.Subject);
        Assert.True(host.ChainsToCa(issued));
    }

    [Fact]
    public async Task DeviceAdd_SameNameTwice_SecondFailsWithAlreadyExists()
    {
        var name = "twice-" + Guid.NewGuid().ToString("N")[..8];
        var first = await EstPortalCli.RunAsync(shared.Path, "device", "add", name);
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await EstPortalCli.RunAsync(shared.Path, FailureTimeout, "device", "add", name);

        AssertFailedCleanly(second, "already exists");
        Assert.DoesNotContain(first.LastLine, second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenIssue_ForAnUnknownDevice_FailsNamingTheDevice()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, FailureTimeout, "token", "issue", "--device", "nosuch");

        AssertFailedCleanly(result, "nosuch");
    }

    [Theory]
    [InlineData("0h")]
    [InlineData("abc")]
    public async Task TokenIssue_WithAnUnusableTtl_FailsSayingWhatALifetimeLooksLike(string ttl)
    {
        var result = await EstPortalCli.RunAsync(shared.Path, FailureTimeout, "token", "issue", "--ttl", ttl);

        AssertFailedCleanly(result, "--ttl");
        Assert.Contains($"'{ttl}'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenIssue_OneHour_PrintsATokenOnTheLastLineThatEnrollsExactlyOnce()
    {
        var dataDirectory = NewDataDirectory();
        var issuedToken = await EstPortalCli.RunAsync(dataDirectory, "token", "issue", "--ttl", "1h", "--note", "installer visit");
        Assert.True(issuedToken.ExitCode == 0, issuedToken.ToString());
        var token = issuedToken.LastLine;
        Assert.Matches(Base64UrlSecret(), token);
        var exported = await EstPortalCli.RunAsync(dataDirectory, "ca", "export");
        var exportedCa = Assert.Single(ToolWorkspace.ReadPemCertificates(exported.Stdout));

        using var host = EstPortalHost.Create(dataDirectory: dataDirectory);
        await host.InitializeAsync();
        Assert.Equal(exportedCa.Thumbprint, host.CaCertificate.Thumbprint);
        using var client = host.CreateEstClient();
        using var first = await EnrollAsync(client, TestCsr.Create("CN=cli-token-device"), "installer", token);
        var issued = await EstResponses.ReadIssuedCertificateAsync(first);
        Assert.True(host.ChainsToCa(issued));

        using var second = await EnrollAsync(client, TestCsr.Create("CN=cli-token-device-again"), "installer", token);

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
    }

    [Fact]
    public async Task OperatorAdd_AsAdmin_PrintsAPasswordOnTheLastLineThatSignsIn()
    {
        var dataDirectory = NewDataDirectory();
        var added = await EstPortalCli.RunAsync(dataDirectory, "operator", "add", "a@b.c", "--role", "Admin");
        Assert.True(added.ExitCode == 0, added.ToString());
        var password = added.LastLine;
        Assert.DoesNotContain(' ', password);
        Assert.True(password.Length >= 12, $"'{password}' is not a generated password");

        using var host = EstPortalHost.Create(dataDirectory: dataDirectory);
        await host.InitializeAsync();
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Operator>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<Operator>>();
        var user = await users.FindByEmailAsync("a@b.c");
        Assert.NotNull(user);
        Assert.True(await users.IsInRoleAsync(user, OperatorRoles.Admin));
        var attempt = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        Assert.True(attempt.Succeeded, $"signing in with the printed password: {attempt}");
    }

    [Fact]
    public async Task OperatorAdd_UnknownRole_FailsNamingTheAllowedRoles()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, FailureTimeout, "operator", "add", "boss@example.com", "--role", "Boss");

        AssertFailedCleanly(result, "Boss");
        Assert.Contains("Admin", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_FailsWithAnErrorAndDoesNotStartTheServer()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, FailureTimeout, "frobnicate");

        AssertFailedCleanly(result, "frobnicate");
    }

    internal static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "estportal-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    internal static void DeleteDataDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    /// <summary>Non-zero exit, `error: …` on stderr mentioning <paramref name="mentions"/>, promptly, no web server.</summary>
    private static void AssertFailedCleanly(CliResult result, string mentions)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure: {result}");
        Assert.Contains("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(mentions, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(result.StartedWebServer, $"the web server started: {result}");
        Assert.True(result.Elapsed < FailureTimeout, result.ToString());
    }

    private static async Task<HttpResponseMessage> EnrollAsync(HttpClient client, TestCsr csr, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll")
        {
            Content = new StringContent(csr.Base64, Encoding.ASCII, "application/pkcs10"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await client.SendAsync(request);
    }

    /// <summary>A server-generated secret as base64url without padding: at least 43 characters (256 bits) of A-Z a-z 0-9 - _.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{43,}$")]
    private static partial Regex Base64UrlSecret();
}
