using System.Collections.Concurrent;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary>What a newcomer reads on the very first `dotnet run`: what they need, no noise that looks like a fault.</summary>
public sealed class FirstStartOutputTests
{
    [Fact]
    public async Task FirstStart_PrintsTheSetupCode_WithoutMigrationWarnings_OrNullAuditFields()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        var lines = new ConcurrentQueue<string>();
        try
        {
            var estPort = Loopback.FreePort();
            using var server = ServerProcess.Start(dataDirectory, estPort, lines.Enqueue);
            try
            {
                for (var waited = 0; !lines.Any(l => l.Contains("Application started", StringComparison.Ordinal)) && !server.HasExited && waited < 1200; waited++)
                    await Task.Delay(100);
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }

            var text = string.Join('\n', lines);
            Assert.Contains("Application started", text);
            Assert.Contains("one-time setup code", text);
            Assert.Contains("Audit ca.created Success actor=system", text);
            Assert.DoesNotContain("(null)", text);
            Assert.DoesNotContain("cannot be executed in a transaction", text);
            Assert.DoesNotContain("Microsoft.EntityFrameworkCore", text);
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }
}
