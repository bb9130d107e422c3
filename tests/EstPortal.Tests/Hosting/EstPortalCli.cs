using System.Diagnostics;
using System.Reflection;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary>What an admin command did, as the operator at a terminal sees it.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>The last non-empty stdout line: where secrets go, so scripts can take them with <c>tail -n1</c>.</summary>
    public string LastLine =>
        Stdout.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.Length > 0) ?? string.Empty;

    /// <summary>True when the output shows Kestrel listening: an admin command must never start the web server.</summary>
    public bool StartedWebServer =>
        Stdout.Contains("Now listening", StringComparison.Ordinal) || Stderr.Contains("Now listening", StringComparison.Ordinal);

    public override string ToString() =>
        $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the built app as its own process, <c>dotnet EstPortal.dll &lt;command&gt; --EstPortal:DataDirectory=DIR</c>,
/// from the app's directory (where its appsettings.json is), as an operator on a deployed machine would.
/// </summary>
public static class EstPortalCli
{
    /// <summary>Success paths may migrate a fresh database on a busy CI machine.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private static readonly Lazy<string> AppDll = new(LocateAppDll);

    /// <summary>
    /// The app as built next to the tests: the test project references it, so the SDK copies EstPortal.dll with its
    /// .runtimeconfig.json and .deps.json into the test output. If that ever stops (e.g. a reference marked
    /// Private=false), fall back to the app's own build output for the same configuration.
    /// </summary>
    public static string AppPath => AppDll.Value;

    public static async Task<CliResult> RunAsync(string dataDirectory, params string[] command) =>
        await RunAsync(dataDirectory, CommandTimeout, command);

    public static async Task<CliResult> RunAsync(string dataDirectory, TimeSpan timeout, params string[] command)
    {
        string[] arguments = [AppPath, .. command, $"--EstPortal:DataDirectory={dataDirectory}"];
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            // Nothing from the test runner's environment may point the command at another database.
            ["EstPortal__DataDirectory"] = null,
        };
        var stopwatch = Stopwatch.StartNew();
        var result = await ExternalTool.RunAsync(DotnetHost(), arguments, environment, Path.GetDirectoryName(AppPath), null, timeout);
        return new CliResult(result.ExitCode, result.Stdout, result.Stderr, stopwatch.Elapsed);
    }

    /// <summary>The same dotnet that runs the tests: the SDK sets DOTNET_HOST_PATH; the test host itself runs under it.</summary>
    internal static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
            return fromSdk;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return ExternalTool.Require("dotnet");
    }

    private static string LocateAppDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "EstPortal.dll");
        if (IsRunnable(beside))
            return beside;

        var configuration = typeof(EstPortalCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        if (FindRepositoryRoot() is { } root
            && Path.Combine(root, "src", "EstPortal", "bin", configuration, "net10.0", "EstPortal.dll") is var built
            && IsRunnable(built))
            return built;

        throw new InvalidOperationException(
            $"EstPortal.dll with its runtimeconfig/deps files was found neither in {AppContext.BaseDirectory} nor in src/EstPortal/bin/{configuration}/net10.0");
    }

    /// <summary>The checkout the tests run from (the folder with EstPortal.sln), or null outside one.</summary>
    public static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EstPortal.sln")))
                return dir.FullName;
        return null;
    }

    private static bool IsRunnable(string dll) =>
        File.Exists(dll)
        && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"))
        && File.Exists(Path.ChangeExtension(dll, ".deps.json"));
}
