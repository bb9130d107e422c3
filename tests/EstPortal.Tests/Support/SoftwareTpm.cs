using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Tests.Support;

/// <summary>
/// A software TPM of its own for one test, everything in a temporary directory: <c>swtpm_setup</c> manufactures it with
/// an RSA endorsement key (0x81010001), its EK certificate in NV 0x1c00002 and a storage key (0x81000001), the
/// certificates made by a <c>swtpm_localca</c> whose state (root, intermediate, serials) lives here too — so the EK
/// certificate chains to <see cref="EkRootCertificate"/>, a vendor root of our own. <c>swtpm</c> serves it on a loopback
/// port; a private D-Bus session bus carries <c>tpm2-abrmd</c> (swtpm holds only three objects at once; the resource
/// manager swaps them), and every client (tpm2-tools, the tpm2 OpenSSL provider, strongSwan) talks to it through
/// the <c>tabrmd</c> TCTI. Disposing stops the three processes by their ids and deletes the directory.
/// </summary>
public sealed class SoftwareTpm : IAsyncDisposable
{
    /// <summary>Where swtpm_setup puts the RSA EK, its certificate and the storage root key (TCG EK Credential Profile).</summary>
    public const string EkHandle = "0x81010001";
    public const string EkCertificateIndex = "0x1c00002";
    public const string StorageKeyHandle = "0x81000001";

    /// <summary>Everything a test of a TPM-held key needs on this machine.</summary>
    public static readonly string[] Tools =
        ["swtpm", "swtpm_setup", "swtpm_localca", "tpm2-abrmd", "dbus-daemon", "tpm2_createek", "openssl", "curl"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<int> _processIds = [];
    private Process? _abrmd;

    private SoftwareTpm(string root) => Root = root;

    public string Root { get; }
    public string BusAddress => $"unix:path={Path.Combine(Root, "bus")}";

    /// <summary>The vendor root the EK certificate chains to (swtpm_localca's root).</summary>
    public X509Certificate2 EkRootCertificate { get; private set; } = null!;

    /// <summary>The intermediate that signed the EK certificate (swtpm_localca's issuer).</summary>
    public X509Certificate2 EkIssuerCertificate { get; private set; } = null!;

    /// <summary>What every TPM client needs: the bus and the TCTI for tpm2-tools and the tpm2 OpenSSL provider.</summary>
    public Dictionary<string, string?> Environment => new()
    {
        ["DBUS_SESSION_BUS_ADDRESS"] = BusAddress,
        ["TPM2TOOLS_TCTI"] = "tabrmd:bus_type=session",
        ["TPM2OPENSSL_TCTI"] = "tabrmd:bus_type=session",
    };

    /// <summary>The tools, and the tabrmd TCTI (libtss2-tcti-tabrmd0), without which no client reaches abrmd.</summary>
    public static bool ToolsInstalled => Tools.All(t => ExternalTool.Find(t) is not null)
        && new[] { "x86_64", "aarch64" }.Any(arch => File.Exists($"/usr/lib/{arch}-linux-gnu/libtss2-tcti-tabrmd.so.0"));

    public static async Task<SoftwareTpm> StartAsync()
    {
        var tpm = new SoftwareTpm(Directory.CreateTempSubdirectory("estportal-swtpm-").FullName);
        try
        {
            await tpm.ManufactureAsync();
            await tpm.StartProcessesAsync();
            return tpm;
        }
        catch
        {
            await tpm.DisposeAsync();
            throw;
        }
    }

    /// <summary>A tool run against this TPM (tpm2_*, openssl with the tpm2 provider, pki with the tpm plugin); exit 0 asserted.</summary>
    public async Task<ToolResult> RunAsync(string tool, IEnumerable<string> arguments, string workingDirectory, Dictionary<string, string?>? extra = null)
    {
        var list = arguments.ToList();
        var result = await TryRunAsync(tool, list, workingDirectory, extra);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', list)} exited {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    /// <summary>As <see cref="RunAsync"/>, whatever the exit code.</summary>
    public Task<ToolResult> TryRunAsync(string tool, IReadOnlyList<string> arguments, string workingDirectory, Dictionary<string, string?>? extra = null)
    {
        var environment = Environment;
        foreach (var (name, value) in extra ?? [])
            environment[name] = value;
        return ExternalTool.RunAsync(tool, arguments, environment, workingDirectory, null, Timeout);
    }

    /// <summary>
    /// A signing key generated inside the TPM under the storage key, made persistent at <paramref name="handle"/> (for
    /// strongSwan's <c>--keyid</c>) and wrapped as a TSS2 PEM file (for curl and openssl through the tpm2 provider):
    /// <c>tpm2_create -C 0x81000001 -G ecc256:ecdsa-sha256 -a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign"</c>,
    /// <c>tpm2_load</c>, <c>tpm2_evictcontrol</c>, then the TSS2 key file built by <c>openssl asn1parse -genconf</c>.
    /// </summary>
    public async Task<TpmKey> CreateSigningKeyAsync(ToolWorkspace dir, string handle, string name = "device",
        string attributes = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign")
    {
        var pub = dir.PathOf(name + ".pub");
        var priv = dir.PathOf(name + ".priv");
        await RunAsync("tpm2_create", ["-C", StorageKeyHandle, "-G", "ecc256:ecdsa-sha256", "-a", attributes, "-u", pub, "-r", priv], dir.Root);
        await RunAsync("tpm2_load", ["-C", StorageKeyHandle, "-u", pub, "-r", priv, "-c", dir.PathOf(name + ".ctx")], dir.Root);
        await RunAsync("tpm2_evictcontrol", ["-C", "o", "-c", dir.PathOf(name + ".ctx"), handle], dir.Root);
        var tss = dir.PathOf(name + ".tss");
        dir.Write(name + ".asn1", $"""
            asn1=SEQUENCE:tss
            [tss]
            type=OID:2.23.133.10.1.3
            emptyAuth=EXP:0,BOOLEAN:TRUE
            parent=INTEGER:{StorageKeyHandle}
            pubkey=FORMAT:HEX,OCTETSTRING:{Convert.ToHexString(File.ReadAllBytes(pub))}
            privkey=FORMAT:HEX,OCTETSTRING:{Convert.ToHexString(File.ReadAllBytes(priv))}

            """);
        await RunAsync("openssl", ["asn1parse", "-genconf", dir.PathOf(name + ".asn1"), "-out", dir.PathOf(name + ".tss.der"), "-noout"], dir.Root);
        File.WriteAllText(tss, PemEncoding.WriteString("TSS2 PRIVATE KEY", File.ReadAllBytes(dir.PathOf(name + ".tss.der"))) + "\n");
        var publicPem = await RunAsync("openssl", ["pkey", "-provider", "tpm2", "-provider", "default", "-in", $"handle:{handle}", "-pubout"], dir.Root);
        var pem = publicPem.Stdout.Trim();
        var fields = PemEncoding.Find(pem);
        return new TpmKey(handle, tss, pub, Convert.FromBase64String(pem[fields.Base64Data]));
    }

    /// <summary>The OpenSSL configuration curl needs for a TPM key: default first (for everything else), then tpm2, preferred for signing.</summary>
    public static string WriteOpensslConfig(ToolWorkspace dir) => dir.Write("tpm2-openssl.cnf", """
        openssl_conf = openssl_init

        [openssl_init]
        providers = provider_sect
        alg_section = evp_properties

        [provider_sect]
        default = default_sect
        tpm2 = tpm2_sect

        [default_sect]
        activate = 1

        [tpm2_sect]
        activate = 1

        [evp_properties]
        default_properties = ?tpm2.signature=yes

        """);

    private async Task ManufactureAsync()
    {
        var ca = Directory.CreateDirectory(Path.Combine(Root, "localca")).FullName;
        var state = Directory.CreateDirectory(Path.Combine(Root, "state")).FullName;
        File.WriteAllText(Path.Combine(Root, "localca.conf"), $"""
            statedir = {ca}
            signingkey = {ca}/signkey.pem
            issuercert = {ca}/issuercert.pem
            certserial = {ca}/certserial

            """);
        File.WriteAllText(Path.Combine(Root, "localca.options"), "--platform-manufacturer EstPortal\n--platform-version 2.1\n--platform-model Test\n");
        File.WriteAllText(Path.Combine(Root, "swtpm_setup.conf"), $"""
            create_certs_tool = {ExternalTool.Require("swtpm_localca")}
            create_certs_tool_config = {Root}/localca.conf
            create_certs_tool_options = {Root}/localca.options
            active_pcr_banks = sha256

            """);
        var setup = await ExternalTool.RunAsync("swtpm_setup",
            ["--tpm2", "--tpm-state", state, "--create-ek-cert", "--create-platform-cert", "--create-spk",
             "--config", Path.Combine(Root, "swtpm_setup.conf"), "--overwrite"], new Dictionary<string, string?>(), Root, null, Timeout);
        Assert.True(setup.ExitCode == 0, $"swtpm_setup exited {setup.ExitCode}\n{setup.Stdout}\n{setup.Stderr}");
        EkRootCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(ca, "swtpm-localca-rootca-cert.pem")));
        EkIssuerCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(ca, "issuercert.pem")));
    }

    private async Task StartProcessesAsync()
    {
        var port = FreePortPair();
        // The swtpm TCTI expects the control channel on the port after the command port.
        var swtpm = await ExternalTool.RunAsync("swtpm",
            ["socket", "--tpm2", "--tpmstate", $"dir={Root}/state",
             "--server", $"type=tcp,port={port},bindaddr=127.0.0.1", "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
             "--flags", "not-need-init,startup-clear", "--pid", $"file={Root}/swtpm.pid", "--daemon"],
            new Dictionary<string, string?>(), Root, null, Timeout);
        Assert.True(swtpm.ExitCode == 0, $"swtpm exited {swtpm.ExitCode}: {swtpm.Stderr}");
        _processIds.Add(int.Parse(File.ReadAllText(Path.Combine(Root, "swtpm.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture));

        File.WriteAllText(Path.Combine(Root, "dbus.conf"), $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={Root}/bus</listen>
              <auth>EXTERNAL</auth>
              <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/><allow user="*"/></policy>
            </busconfig>
            """);
        var dbus = await ExternalTool.RunAsync("dbus-daemon", ["--config-file", Path.Combine(Root, "dbus.conf"), "--fork", "--print-pid"],
            new Dictionary<string, string?>(), Root, null, Timeout);
        Assert.True(dbus.ExitCode == 0, $"dbus-daemon exited {dbus.ExitCode}: {dbus.Stderr}");
        _processIds.Add(int.Parse(dbus.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture));

        var abrmd = new ProcessStartInfo(ExternalTool.Require("tpm2-abrmd"))
        {
            ArgumentList = { "--session", "--allow-root", $"--tcti=swtpm:host=127.0.0.1,port={port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        abrmd.Environment["DBUS_SESSION_BUS_ADDRESS"] = BusAddress;
        _abrmd = Process.Start(abrmd) ?? throw new InvalidOperationException("could not start tpm2-abrmd");
        _abrmd.OutputDataReceived += (_, _) => { };
        _abrmd.ErrorDataReceived += (_, _) => { };
        _abrmd.BeginOutputReadLine();
        _abrmd.BeginErrorReadLine();

        // abrmd registers its bus name once it has talked to the TPM; until then clients fail to load the TCTI.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var probe = await ExternalTool.RunAsync("tpm2_getcap", ["handles-persistent"], Environment, Root, null, Timeout);
            if (probe.ExitCode == 0 && probe.Stdout.Contains(EkHandle, StringComparison.Ordinal))
                return;
            if (DateTime.UtcNow > deadline || _abrmd.HasExited)
                throw new InvalidOperationException($"tpm2-abrmd did not come up on the private bus: {probe.Stderr}");
            await Task.Delay(200);
        }
    }

    private static int FreePortPair()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = Loopback.FreePort();
            try
            {
                var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                next.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no two adjacent free loopback ports for swtpm");
    }

    public async ValueTask DisposeAsync()
    {
        if (_abrmd is { HasExited: false })
        {
            _abrmd.Kill();
            await _abrmd.WaitForExitAsync();
        }
        _abrmd?.Dispose();
        foreach (var id in _processIds)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
            }
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A key that lives in the TPM: its persistent handle, its TSS2 key file, its TPM2B_PUBLIC file and its public key
/// (SubjectPublicKeyInfo DER) as the TPM reports it (<c>openssl pkey -provider tpm2 -in handle:… -pubout</c>).
/// </summary>
public sealed record TpmKey(string Handle, string TssKeyFile, string PublicAreaFile, byte[] SubjectPublicKeyInfo);

/// <summary>Skips when the software TPM tools are missing, except under CI, where they are required.</summary>
public sealed class RequiresSoftwareTpmFactAttribute : FactAttribute
{
    public RequiresSoftwareTpmFactAttribute()
    {
        if (!SoftwareTpm.ToolsInstalled && !ExternalTool.IsCi)
            Skip = "the software TPM is not installed (swtpm, swtpm-tools, tpm2-tools, tpm2-openssl, tpm2-abrmd, libtss2-tcti-tabrmd0, dbus)";
    }
}
