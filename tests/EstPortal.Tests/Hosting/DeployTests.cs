using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// The README's "Running as a service" procedure, done here as far as a machine without a running systemd allows:
/// <c>dotnet publish</c>, a dedicated system user, the one-time set-up as that user, the key-encryption key moved out
/// of the data directory, and the published app started from its own folder with exactly the settings
/// <c>deploy/estportal.service</c> gives it (its <c>Environment=</c> lines, <c>%d</c> credentials, <c>UMask</c>,
/// <c>User=</c>) plus the README's environment file — then a device enrolls with curl + openssl by the host name.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a systemd service: Linux only
public sealed class DeployTests
{
    private const string ServiceUser = "estportal-deploytest"; // not the README's "estportal": never touch a real install's user
    private const string HostName = "est.example.com";

    [RequiresToolFact("systemd-analyze")]
    public async Task TheServiceUnit_PassesSystemdAnalyzeVerify()
    {
        var result = await ExternalTool.RunAsync("systemd-analyze", ["verify", UnitPath], null, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.DoesNotContain("Unknown key", result.Stderr);
    }

    [RequiresToolFact("curl")]
    public async Task PublishedBuild_RunsAsItsOwnUser_WithOnlyTheUnitsSettings_AndADeviceEnrollsByHostName()
    {
        using var dir = new ToolWorkspace();
        var opt = Directory.CreateDirectory(dir.PathOf("opt-estportal")).FullName;
        var state = dir.PathOf("var-lib-estportal");
        var credentials = dir.PathOf("credentials");
        // Everything the service user must reach sits in here; the workspace under /tmp is root's 0700 otherwise.
        File.SetUnixFileMode(dir.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                       UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var publish = await ExternalTool.RunAsync(EstPortalCli.DotnetHost(),
            ["publish", Path.Combine(RepositoryRoot, "src", "EstPortal"), "-c", "Release", "-o", opt, "--nologo",
             // No build servers left behind holding this test's output pipes (or the CI job) open.
             "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:UseRazorBuildServer=false"], null, TimeSpan.FromMinutes(8));
        Assert.True(publish.ExitCode == 0, publish.Stdout + publish.Stderr);

        var asService = await ServiceAccount.CreateAsync(ServiceUser, state);
        await asService.CreatePrivateDirectoryAsync(state);

        var unit = SystemdUnit.Load(UnitPath);
        Assert.Equal("/usr/bin/dotnet /opt/estportal/EstPortal.dll", unit.Value("ExecStart"));
        Assert.Equal("/opt/estportal", unit.Value("WorkingDirectory"));
        string Here(string value) => value.Replace("/opt/estportal", opt).Replace("/var/lib/estportal", state).Replace("%d", credentials);
        var (estPort, portalPort, publicPort) = (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        var environment = unit.Environment().ToDictionary(e => e.Key, e => Here(e.Value));
        // The README's /etc/estportal/estportal.env, on loopback ports this machine has free.
        environment["EstPortal__HostNames__0"] = HostName;
        environment["Kestrel__Endpoints__Est__Url"] = $"https://127.0.0.1:{estPort}";
        environment["Kestrel__Endpoints__Portal__Url"] = $"https://127.0.0.1:{portalPort}";
        environment["Kestrel__Endpoints__Public__Url"] = $"http://127.0.0.1:{publicPort}";
        environment["HOME"] = state;
        environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var umask = unit.Value("UMask");
        var dll = Path.Combine(opt, "EstPortal.dll");

        // One-time set-up as the service user (README): schema, default CA and a key-encryption key, in the state directory.
        var setUp = await asService.RunAsync(opt, umask, new Dictionary<string, string> { ["HOME"] = state, ["PATH"] = environment["PATH"] },
            "/usr/bin/dotnet", dll, "migrate", $"--EstPortal:DataDirectory={state}");
        Assert.True(setUp.ExitCode == 0, setUp.Stdout + setUp.Stderr);

        // The key leaves the data directory; systemd hands it back as a credential only the service can read.
        var keyInState = Path.Combine(state, "keys", "key-encryption-key.pfx");
        Assert.True(File.Exists(keyInState), "migrate did not create the key-encryption key");
        Directory.CreateDirectory(credentials);
        File.Move(keyInState, Path.Combine(credentials, "key-encryption-key.pfx"));
        await asService.GiveAsync(credentials);

        var deviceAdd = await asService.RunAsync(opt, umask, environment, "/usr/bin/dotnet", dll, "device", "add", "pump-1");
        Assert.True(deviceAdd.ExitCode == 0, deviceAdd.Stdout + deviceAdd.Stderr);
        var secret = deviceAdd.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        var caExport = await asService.RunAsync(opt, umask, environment, "/usr/bin/dotnet", dll, "ca", "export");
        Assert.True(caExport.ExitCode == 0, caExport.Stdout + caExport.Stderr);
        var caPem = dir.Write("ca.pem", caExport.Stdout);

        var output = new ConcurrentQueue<string>();
        using var service = asService.Start(opt, umask, environment, output.Enqueue, "/usr/bin/dotnet", dll);
        var resolve = $"{HostName}:{estPort}:127.0.0.1";
        var estUrl = $"https://{HostName}:{estPort}/.well-known/est";
        await WaitUntilServingAsync(service, output, resolve, caPem, estUrl);

        // The process serving is the service user's, not root's.
        var uid = File.ReadLines($"/proc/{service.Id}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal(asService.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), uid);
        Assert.NotEqual("0", uid);

        // A device enrolls as the README's curl + openssl script would, verifying the server by its host name.
        var csr = await ExternalTool.RunAsync("openssl",
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.PathOf("device.key"),
             "-subj", "/CN=pump-1", "-outform", "DER", "-out", dir.PathOf("device.csr")], null, ExternalTool.DefaultTimeout);
        Assert.True(csr.ExitCode == 0, csr.Stderr);
        dir.Write("device.b64", Convert.ToBase64String(File.ReadAllBytes(dir.PathOf("device.csr"))));
        var enroll = await ExternalTool.RunAsync("curl",
            ["--silent", "--show-error", "--fail-with-body", "--resolve", resolve, "--cacert", caPem, "--user", $"pump-1:{secret}",
             "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + dir.PathOf("device.b64"), "-o", dir.PathOf("issued.p7"),
             $"{estUrl}/simpleenroll"], null, ExternalTool.DefaultTimeout);
        Assert.True(enroll.ExitCode == 0, enroll.Stdout + enroll.Stderr + string.Join('\n', output));
        var certs = await ExternalTool.RunAsync("sh",
            ["-c", $"base64 -d {dir.PathOf("issued.p7")} > {dir.PathOf("issued.der")}"], null, ExternalTool.DefaultTimeout);
        Assert.True(certs.ExitCode == 0, certs.Stderr);
        var print = await ExternalTool.RunAsync("openssl",
            ["pkcs7", "-inform", "DER", "-in", dir.PathOf("issued.der"), "-print_certs"], null, ExternalTool.DefaultTimeout);
        var issued = Assert.Single(ToolWorkspace.ReadPemCertificates(print.Stdout));
        Assert.Equal("CN=pump-1", issued.Subject);
        Assert.Equal(X509Certificate2.CreateFromPem(caExport.Stdout).Subject, issued.Issuer);

        // What the README promises the operator sees: the setup code in the journal, and no warning about the key.
        var log = string.Join('\n', output);
        Assert.Contains("setup code", log);
        Assert.DoesNotContain("is inside the data directory", log);
        // UMask=0077: nothing the service writes is readable by other users.
        var database = Path.Combine(state, "estportal.db");
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(database) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    private static async Task WaitUntilServingAsync(Process service, ConcurrentQueue<string> output, string resolve, string caPem, string estUrl)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(service.HasExited, "the service exited:\n" + string.Join('\n', output));
            var probe = await ExternalTool.RunAsync("curl",
                ["--silent", "--fail", "--resolve", resolve, "--cacert", caPem, "-o", "/dev/null", $"{estUrl}/cacerts"], null, ExternalTool.DefaultTimeout);
            if (probe.ExitCode == 0)
                return;
            await Task.Delay(500);
        }
        Assert.Fail("the service did not serve /cacerts by its host name within 90 s:\n" + string.Join('\n', output));
    }

    private static string UnitPath => Path.Combine(RepositoryRoot, "deploy", "estportal.service");

    private static string RepositoryRoot =>
        EstPortalCli.FindRepositoryRoot() ?? throw new InvalidOperationException("the tests do not run inside the repository");
}
