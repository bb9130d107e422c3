using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary>The exit codes docs/cli-output.md promises scripts: 1 bad input, 2 not found, 3 conflict.</summary>
public sealed class ExitCodeTests(SharedCliDataDirectory shared) : IClassFixture<SharedCliDataDirectory>
{
    [Theory]
    [InlineData(1, "token", "issue", "--ttl", "soon")]
    [InlineData(1, "no-such-command")]
    [InlineData(2, "device", "show", "nobody-here")]
    [InlineData(2, "cert", "revoke", "0A0B0C", "--reason", "superseded")]
    [InlineData(2, "token", "issue", "--device", "nobody-here")]
    [InlineData(2, "apikey", "revoke", "no-such-key")]
    public async Task AFailure_ExitsWithTheCodeForWhy(int expected, params string[] command)
    {
        var result = await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, command);
        Assert.True(result.ExitCode == expected, result.ToString());
        Assert.False(result.StartedWebServer);
    }

    [Fact]
    public async Task DoingItTwice_IsAConflict()
    {
        Assert.Equal(0, (await EstPortalCli.RunAsync(shared.Path, "device", "add", "twice")).ExitCode);
        var again = await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, "device", "add", "twice");
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);

        Assert.Equal(0, (await EstPortalCli.RunAsync(shared.Path, "apikey", "add", "twice-key", "--role", "Auditor")).ExitCode);
        Assert.Equal(0, (await EstPortalCli.RunAsync(shared.Path, "apikey", "revoke", "twice-key")).ExitCode);
        Assert.Equal(3, (await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, "apikey", "revoke", "twice-key")).ExitCode);
    }
}
