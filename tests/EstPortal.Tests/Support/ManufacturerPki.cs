using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Tests.Support;

/// <summary>What an IDevID test asks the manufacturer to put in a device certificate.</summary>
public sealed record IdevidSpec(string Subject)
{
    /// <summary>openssl's -subj form, e.g. <c>/serialNumber=SN1/CN=board</c>.</summary>
    public string Subject { get; init; } = Subject;
    public string? SanUri { get; init; }
    public string KeyUsage { get; init; } = "critical,digitalSignature";
    public string? ExtendedKeyUsage { get; init; }
    public string StartDate { get; init; } = "20200101000000Z";
    /// <summary>IEEE 802.1AR §8.5: an IDevID with no well-defined expiration carries GeneralizedTime 99991231235959Z.</summary>
    public string EndDate { get; init; } = "99991231235959Z";
}

/// <summary>
/// A manufacturer's PKI made with openssl in a scratch directory, as a board vendor's factory would: a CA (optionally
/// with name constraints) and IEEE 802.1AR IDevIDs with their keys as PEM files for curl's --cert/--key.
/// </summary>
public sealed class ManufacturerPki(ToolWorkspace workspace)
{
    private const string CaConfig = """
        [ca]
        default_ca = mfg
        [mfg]
        dir = .
        database = index.txt
        new_certs_dir = .
        default_md = sha256
        serial = serial.txt
        policy = any
        unique_subject = no
        copy_extensions = none
        [any]
        commonName = optional
        serialNumber = optional
        organizationName = optional
        """;

    public ToolWorkspace Workspace => workspace;

    /// <summary>A self-signed manufacturer CA; <paramref name="nameConstraints"/> in openssl's syntax, e.g. <c>permitted;URI:.acme.example</c>.</summary>
    public async Task<X509Certificate2> CreateCaAsync(string name, string subject, string? nameConstraints = null)
    {
        string[] args =
        [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.pem",
            "-subj", subject, "-days", "3650",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            .. nameConstraints is null ? Array.Empty<string>() : ["-addext", $"nameConstraints=critical,{nameConstraints}"],
        ];
        await RunAsync(args);
        return PrepareToSign(name);
    }

    /// <summary>
    /// An issuing CA signed by CA <paramref name="issuer"/>, as manufacturers run them under an offline root; it can
    /// then issue IDevIDs itself (<see cref="IssueAsync"/>). <c>{name}-chain.pem</c> holds an IDevID's chain to send.
    /// </summary>
    public async Task<X509Certificate2> CreateIntermediateAsync(string name, string issuer, string subject)
    {
        await RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", $"{name}.key",
            "-out", $"{name}.csr", "-subj", subject);
        workspace.Write($"{name}.ext", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
        await RunAsync("ca", "-batch", "-config", $"{issuer}.cnf", "-cert", $"{issuer}.pem", "-keyfile", $"{issuer}.key", "-rand_serial",
            "-preserveDN", "-in", $"{name}.csr", "-out", $"{name}.pem", "-days", "3650", "-extfile", $"{name}.ext", "-notext");
        return PrepareToSign(name);
    }

    private X509Certificate2 PrepareToSign(string name)
    {
        workspace.Write($"{name}.index", "");
        workspace.Write($"{name}.serial", "01\n");
        workspace.Write($"{name}.cnf", CaConfig.Replace("index.txt", $"{name}.index", StringComparison.Ordinal)
            .Replace("serial.txt", $"{name}.serial", StringComparison.Ordinal));
        return X509Certificate2.CreateFromPem(workspace.ReadText($"{name}.pem"));
    }

    /// <summary>An IDevID signed by CA <paramref name="ca"/>: writes <c>{device}.pem</c> and <c>{device}.key</c>.</summary>
    public async Task<X509Certificate2> IssueAsync(string ca, string device, IdevidSpec spec)
    {
        await RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", $"{device}.key",
            "-out", $"{device}.csr", "-subj", spec.Subject);
        var extensions = new List<string> { $"keyUsage={spec.KeyUsage}" };
        if (spec.SanUri is not null)
            extensions.Add($"subjectAltName=URI:{spec.SanUri}");
        if (spec.ExtendedKeyUsage is not null)
            extensions.Add($"extendedKeyUsage={spec.ExtendedKeyUsage}");
        workspace.Write($"{device}.ext", string.Join('\n', extensions) + "\n");
        await RunAsync("ca", "-batch", "-config", $"{ca}.cnf", "-cert", $"{ca}.pem", "-keyfile", $"{ca}.key", "-rand_serial", "-preserveDN",
            "-in", $"{device}.csr", "-out", $"{device}.pem", "-startdate", spec.StartDate, "-enddate", spec.EndDate,
            "-extfile", $"{device}.ext", "-notext");
        return X509Certificate2.CreateFromPem(workspace.ReadText($"{device}.pem"));
    }

    public string PemPath(string name) => workspace.PathOf($"{name}.pem");

    public string KeyPath(string name) => workspace.PathOf($"{name}.key");

    /// <summary>The device certificate with its private key, as .NET's HttpClient presents it.</summary>
    public X509Certificate2 LoadWithKey(string device) =>
        X509Certificate2.CreateFromPemFile(PemPath(device), KeyPath(device));

    private async Task RunAsync(params string[] arguments)
    {
        var result = await ExternalTool.RunAsync("openssl", arguments, new Dictionary<string, string?>(), workspace.Root, null, ExternalTool.DefaultTimeout);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {result.Stderr}");
    }
}
