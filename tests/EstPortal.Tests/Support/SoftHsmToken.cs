namespace EstPortal.Tests.Support;

/// <summary>
/// A SoftHSM2 token of its own for one test: a token directory and configuration in a temporary directory, the
/// token initialised with softhsm2-util, the user PIN in a file only the owner may read. SoftHSM2 reads
/// <c>SOFTHSM2_CONF</c> when the module is initialised (C_Initialize, once per process until the last user finalizes
/// it), so the variable is set for this process too, and tests that load the module run one at a time
/// (<see cref="SoftHsmCollection"/>) — each finalizes it when its host stops, the next initialises it afresh.
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    public const string Module = "/usr/lib/softhsm/libsofthsm2.so";
    public const string Pin = "4711-user-pin";
    private const string SoPin = "0815-so-pin";

    private SoftHsmToken(string root, string label)
    {
        Root = root;
        Label = label;
    }

    public string Root { get; }
    public string Label { get; }
    public string ConfigurationPath => Path.Combine(Root, "softhsm2.conf");
    public string TokenDirectory => Path.Combine(Root, "tokens");
    public string PinFile => Path.Combine(Root, "pin");

    /// <summary>What the app needs to use this token (EstPortal:Pkcs11:*).</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["EstPortal:Pkcs11:LibraryPath"] = Module,
        ["EstPortal:Pkcs11:TokenLabel"] = Label,
        ["EstPortal:Pkcs11:PinFile"] = PinFile,
    };

    /// <summary>The same settings as command-line arguments, for the admin CLI.</summary>
    public string[] Arguments => Settings.Select(s => $"--{s.Key}={s.Value}").ToArray();

    public static async Task<SoftHsmToken> CreateAsync(string label = "EstPortal Test")
    {
        var root = Directory.CreateTempSubdirectory("estportal-softhsm-").FullName;
        var token = new SoftHsmToken(root, label);
        Directory.CreateDirectory(token.TokenDirectory);
        await File.WriteAllTextAsync(token.ConfigurationPath,
            $"directories.tokendir = {token.TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\n");
        // .NET keeps its own copy of the environment on Unix; the module reads the C library's (getenv), so set both.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", token.ConfigurationPath);
        if (NativeEnvironment.SetEnv("SOFTHSM2_CONF", token.ConfigurationPath, 1) != 0)
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed");
        var init = await ExternalTool.RunAsync("softhsm2-util",
            ["--init-token", "--free", "--label", label, "--pin", Pin, "--so-pin", SoPin], token.ToolEnvironment, null, null, ExternalTool.DefaultTimeout);
        Assert.True(init.ExitCode == 0, init.Stderr + init.Stdout);
        await File.WriteAllTextAsync(token.PinFile, Pin + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(token.PinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return token;
    }

    public Dictionary<string, string?> ToolEnvironment => new() { ["SOFTHSM2_CONF"] = ConfigurationPath };

    /// <summary>`pkcs11-tool --module … --token-label … --login --pin … --list-objects --type privkey`.</summary>
    public Task<ToolResult> ListPrivateKeysAsync() =>
        ExternalTool.RunAsync("pkcs11-tool",
            ["--module", Module, "--token-label", Label, "--login", "--pin", Pin, "--list-objects", "--type", "privkey"],
            ToolEnvironment, null, null, ExternalTool.DefaultTimeout);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class NativeEnvironment
{
    public static int SetEnv(string name, string value, int overwrite) => setenv(CString(name), CString(value), overwrite);

    private static byte[] CString(string text) => [.. System.Text.Encoding.UTF8.GetBytes(text), 0];

    [System.Runtime.InteropServices.DllImport("libc")]
#pragma warning disable SA1300, IDE1006 // the C library's name
    private static extern int setenv(byte[] name, byte[] value, int overwrite);
#pragma warning restore SA1300, IDE1006
}

/// <summary>Tests that load the PKCS#11 module in this process run one after another (see <see cref="SoftHsmToken"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCollection
{
    public const string Name = "SoftHSM2";
}

/// <summary>Skips when SoftHSM2 (and pkcs11-tool) are missing, except under CI, where they are required.</summary>
public sealed class RequiresSoftHsmFactAttribute : FactAttribute
{
    public RequiresSoftHsmFactAttribute()
    {
        if ((!File.Exists(SoftHsmToken.Module) || ExternalTool.Find("softhsm2-util") is null || ExternalTool.Find("pkcs11-tool") is null)
            && !ExternalTool.IsCi)
            Skip = "SoftHSM2 (softhsm2, opensc) not installed";
    }
}
