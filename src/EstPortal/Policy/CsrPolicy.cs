using System.Text.Json;
using System.Text.Json.Serialization;

namespace EstPortal.Policy;

[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<AuthenticationMethods>))]
public enum AuthenticationMethods
{
    None = 0,
    DeviceCredential = 1,
    BootstrapToken = 2,
    ClientCertificate = 4,
    All = DeviceCredential | BootstrapToken | ClientCertificate,
}

[JsonConverter(typeof(JsonStringEnumConverter<SubjectAltNameType>))]
public enum SubjectAltNameType
{
    Dns,
    Ip,
    Uri,
    Email,
}

[JsonConverter(typeof(JsonStringEnumConverter<KeyPurpose>))]
public enum KeyPurpose
{
    ClientAuth,
    ServerAuth,
    ClientAndServerAuth,
}

/// <summary>
/// What a profile demands of a CSR and what the CA puts in the certificate. The same object is enforced at
/// enrollment (<see cref="CsrPolicyEvaluator"/>) and advertised by /csrattrs (<see cref="CsrAttributesBuilder"/>),
/// so the two cannot drift apart.
/// </summary>
public sealed record CsrPolicy
{
    public KeyPolicy Keys { get; init; } = new();
    public SubjectPolicy Subject { get; init; } = new();
    public SubjectAltNamePolicy SubjectAltNames { get; init; } = new();
    public int ValidityDays { get; init; } = 365;
    /// <summary>Extended key usage the CA sets; the CSR's requested key usages are never copied.</summary>
    public KeyPurpose KeyPurpose { get; init; } = KeyPurpose.ClientAuth;
    public AuthenticationMethods AllowedAuthentication { get; init; } = AuthenticationMethods.All;
    /// <summary>RFC 6402 §2.11 / RFC 7030 §4.2.2: re-enrollment may change Subject/SAN when the CSR says so.</summary>
    public bool AllowChangeSubjectName { get; init; }
    /// <summary>
    /// Other profiles, by name, whose certificates may authenticate enrollment and re-enrollment under this one. A device
    /// certificate always may on the profile that issued it; a certificate issued under label A authenticates nothing
    /// under label B unless B names A here. Empty by default, which is also what a policy saved before this existed reads as.
    /// </summary>
    public IReadOnlyList<string> AcceptReenrollmentFrom { get; init; } = [];
    /// <summary>TPM-attested enrollment (docs/adr/0022-tpm-attested-enrollment.md): which EK roots, and whether it is required.</summary>
    public TpmAttestationPolicy TpmAttestation { get; init; } = new();
    /// <summary>RFC 7030 §3.5: the CSR's challengePassword must carry the connection's tls-unique value.</summary>
    public bool RequireProofOfPossessionLinking { get; init; }
    public ServerKeyGenerationPolicy ServerKeyGeneration { get; init; } = new();
    /// <summary>Manufacturer certificates (IDevIDs) that authenticate first enrollment; off by default.</summary>
    public IdevidPolicy Idevid { get; init; } = new();

    public static readonly CsrPolicy Default = new();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CsrPolicy FromJson(string json) => JsonSerializer.Deserialize<CsrPolicy>(json, Json) ?? Default;
}

public sealed record KeyPolicy
{
    public bool AllowRsa { get; init; } = true;
    public int MinimumRsaBits { get; init; } = 2048;
    /// <summary>Named curves by their NIST names: P-256, P-384, P-521.</summary>
    public IReadOnlyList<string> AllowedCurves { get; init; } = ["P-256", "P-384"];
}

public sealed record SubjectPolicy
{
    /// <summary>Attributes the CSR subject must contain, by short name (CN, O, OU, C, L, ST, serialNumber).</summary>
    public IReadOnlyList<string> RequiredAttributes { get; init; } = [];
    /// <summary>Attributes the CSR subject may contain; anything else is refused.</summary>
    public IReadOnlyList<string> AllowedAttributes { get; init; } = ["CN", "O", "OU", "C", "L", "ST", "serialNumber"];
    /// <summary>A regular expression the whole CN must match; <c>{device}</c> stands for the device's name.</summary>
    public string? CommonNamePattern { get; init; }
    /// <summary>Values the CA sets (e.g. O, OU, C). A CSR that asks for a different value is refused.</summary>
    public IReadOnlyDictionary<string, string> Fixed { get; init; } = new Dictionary<string, string>();
}

public sealed record SubjectAltNamePolicy
{
    public IReadOnlyList<SubjectAltNameType> AllowedTypes { get; init; } = [SubjectAltNameType.Dns, SubjectAltNameType.Ip];
    /// <summary>Per type, a regular expression each name must match; <c>{device}</c> stands for the device's name.</summary>
    public IReadOnlyDictionary<SubjectAltNameType, string> Patterns { get; init; } = new Dictionary<SubjectAltNameType, string>();
    public int MaxCount { get; init; } = 10;
    public bool Required { get; init; }
}

public sealed record ServerKeyGenerationPolicy
{
    /// <summary>The key the server generates for /serverkeygen: EC-P256, EC-P384, RSA-2048, RSA-3072, RSA-4096.</summary>
    public string KeyType { get; init; } = "EC-P256";
    /// <summary>Always return the key encrypted to the client's TLS certificate (RFC 7030 §4.4.2).</summary>
    public bool RequireEncryption { get; init; }
}
