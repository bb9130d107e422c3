using System.Diagnostics;

namespace EstPortal.Bench.Load;

/// <summary>
/// `--pkcs11`: a SoftHSM2 token in the bench's data directory, so the same run measures enrollments with the CA key
/// in the token (profile label "hsm") next to the software key (the default profile). The PIN is a bench value.
/// </summary>
internal static class SoftHsmBench
{
    public const string Module = "/usr/lib/softhsm/libsofthsm2.so";
    public const string Label = "hsm";

    /// <summary>Initialises the token and returns the app settings that use it; SOFTHSM2_CONF is set for child processes.</summary>
    public static string[] Prepare(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, "softhsm");
        Directory.CreateDirectory(Path.Combine(root, "tokens"));
        var conf = Path.Combine(root, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {Path.Combine(root, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
        using (var init = Process.Start(new ProcessStartInfo("softhsm2-util", ["--init-token", "--free", "--label", "bench", "--pin", "1234", "--so-pin", "12345678"])
               { RedirectStandardOutput = true })!)
        {
            init.WaitForExit();
            if (init.ExitCode != 0)
                throw new InvalidOperationException("softhsm2-util --init-token failed (apt-get install softhsm2)");
        }
        var pin = Path.Combine(root, "pin");
        File.WriteAllText(pin, "1234");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(pin, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return [$"--EstPortal:Pkcs11:LibraryPath={Module}", "--EstPortal:Pkcs11:TokenLabel=bench", $"--EstPortal:Pkcs11:PinFile={pin}"];
    }
}
