using System.Diagnostics;
using System.Text;

namespace EstPortal.Tests.Support;

/// <summary>The outcome of running an external program.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs real tools (openssl, strongSwan pki, curl) from tests. A test that needs one uses
/// <see cref="RequiresToolFactAttribute"/> so it is skipped on a developer machine without the tool, but fails
/// under CI, where a missing tool means a broken environment rather than an optional check.
/// </summary>
public static class ExternalTool
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>True when the CI environment variable says so; missing tools must then fail tests, not skip them.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The tool's full path, or null when it is not on PATH.</summary>
    public static string? Find(string tool)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        if (tool.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// The tool's full path. xunit v2 cannot skip from inside a test, so a missing tool fails here; guard the test
    /// with <see cref="RequiresToolFactAttribute"/> to skip instead.
    /// </summary>
    public static string Require(string tool) =>
        Find(tool) ?? throw new InvalidOperationException(
            $"{tool} is not installed (on PATH); tests that need it are required when CI=true");

    public static Task<ToolResult> RunAsync(string file, string arguments, string? stdin, TimeSpan timeout) =>
        RunCoreAsync(new ProcessStartInfo(Require(file), arguments), stdin is null ? null : Encoding.UTF8.GetBytes(stdin), timeout);

    public static Task<ToolResult> RunAsync(string file, IEnumerable<string> arguments, string? stdin, TimeSpan timeout) =>
        RunCoreAsync(StartInfo(file, arguments), stdin is null ? null : Encoding.UTF8.GetBytes(stdin), timeout);

    /// <summary>
    /// With extra environment variables (e.g. <c>STRONGSWAN_CONF</c>; a null value removes the variable) and an
    /// optional working directory; the rest of the environment is inherited.
    /// </summary>
    public static Task<ToolResult> RunAsync(
        string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string? workingDirectory,
        string? stdin, TimeSpan timeout)
    {
        var startInfo = StartInfo(file, arguments);
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        return RunCoreAsync(startInfo, stdin is null ? null : Encoding.UTF8.GetBytes(stdin), timeout);
    }

    /// <summary>For binary input such as DER piped to <c>openssl ... -inform DER</c>.</summary>
    public static Task<ToolResult> RunWithBinaryStdinAsync(string file, IEnumerable<string> arguments, byte[] stdin, TimeSpan timeout) =>
        RunCoreAsync(StartInfo(file, arguments), stdin, timeout);

    private static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(Require(file));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static async Task<ToolResult> RunCoreAsync(ProcessStartInfo startInfo, byte[]? stdin, TimeSpan timeout)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {startInfo.FileName}");
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            // Read both streams while writing stdin, or a chatty tool blocks on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync(cancellation.Token);
            var stderr = process.StandardError.ReadToEndAsync(cancellation.Token);
            try
            {
                if (stdin is not null)
                {
                    await process.StandardInput.BaseStream.WriteAsync(stdin, cancellation.Token);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited without reading all its input; its exit code and stderr tell the story.
            }

            await process.WaitForExitAsync(cancellation.Token);
            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout}");
        }
    }
}

/// <summary>
/// A fact that needs an external tool: skipped with a reason when the tool is missing, except under CI=true,
/// where it runs (and fails loudly in <see cref="ExternalTool.Require"/>).
/// </summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool)
    {
        Tool = tool;
        if (ExternalTool.Find(tool) is null && !ExternalTool.IsCi)
        {
            Skip = $"{tool} not installed";
        }
    }

    public string Tool { get; }
}
