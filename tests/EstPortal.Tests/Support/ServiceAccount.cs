using System.Diagnostics;
using System.Globalization;
using EstPortal.Tests.Hosting;

namespace EstPortal.Tests.Support;

/// <summary>
/// Runs commands as a dedicated non-root system user, the way systemd's <c>User=</c> and <c>UMask=</c> run a service:
/// a clean environment (only what is given), that user's uid/gid, and the umask. When the tests themselves run as
/// root (CI) the user is created with <c>useradd --system</c> and entered with <c>setpriv</c>; otherwise the tests'
/// own (already unprivileged) user stands in for it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a systemd service: Linux only
public sealed class ServiceAccount
{
    private ServiceAccount(string? user, int uid) => (this.user, Uid) = (user, uid);

    private readonly string? user;

    public int Uid { get; }

    public static async Task<ServiceAccount> CreateAsync(string name, string home)
    {
        if (Environment.UserName != "root" && Id("-u") != "0")
            return new ServiceAccount(null, int.Parse(Id("-u"), CultureInfo.InvariantCulture));
        var add = await ExternalTool.RunAsync("useradd",
            ["--system", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--user-group", name], null, ExternalTool.DefaultTimeout);
        if (add.ExitCode is not (0 or 9)) // 9: the user exists from an earlier run
            throw new InvalidOperationException($"useradd failed: {add.Stderr}");
        return new ServiceAccount(name, int.Parse(Id("-u", name), CultureInfo.InvariantCulture));
    }

    /// <summary><c>install -d -o USER -g USER -m 700 DIR</c>, as the README's set-up does.</summary>
    public async Task CreatePrivateDirectoryAsync(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await OwnAsync(path);
    }

    /// <summary>A directory of secrets only this user can read (what systemd's <c>LoadCredential=</c> provides).</summary>
    public async Task GiveAsync(string directory)
    {
        foreach (var file in Directory.GetFiles(directory))
            File.SetUnixFileMode(file, UnixFileMode.UserRead);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        await OwnAsync(directory);
    }

    public Task<ToolResult> RunAsync(string workingDirectory, string umask, IReadOnlyDictionary<string, string> environment, params string[] command)
    {
        var start = StartInfo(workingDirectory, umask, environment, command);
        return ExternalTool.RunAsync(start.FileName, start.ArgumentList, new Dictionary<string, string?>(), workingDirectory, null, EstPortalCli.CommandTimeout);
    }

    public Process Start(string workingDirectory, string umask, IReadOnlyDictionary<string, string> environment, Action<string> output, params string[] command) =>
        ServerProcess.StartKilledOnDispose(StartInfo(workingDirectory, umask, environment, command), output);

    private ProcessStartInfo StartInfo(string workingDirectory, string umask, IReadOnlyDictionary<string, string> environment, string[] command)
    {
        // setpriv (not runuser/su): it changes ids and nothing else; env -i then leaves only the given variables.
        var start = new ProcessStartInfo(user is null ? ExternalTool.Require("env") : ExternalTool.Require("setpriv")) { WorkingDirectory = workingDirectory };
        if (user is not null)
        {
            foreach (var argument in new[] { $"--reuid={user}", $"--regid={user}", "--init-groups", "--", ExternalTool.Require("env") })
                start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("-i");
        foreach (var (name, value) in environment)
            start.ArgumentList.Add($"{name}={value}");
        foreach (var argument in new[] { "/bin/sh", "-c", $"umask {umask} && exec \"$@\"", "sh" }.Concat(command))
            start.ArgumentList.Add(argument);
        return start;
    }

    private async Task OwnAsync(string path)
    {
        if (user is null)
            return;
        var chown = await ExternalTool.RunAsync("chown", ["-R", $"{user}:{user}", path], null, ExternalTool.DefaultTimeout);
        if (chown.ExitCode != 0)
            throw new InvalidOperationException($"chown failed: {chown.Stderr}");
    }

    private static string Id(params string[] arguments)
    {
        var start = new ProcessStartInfo(ExternalTool.Require("id")) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
