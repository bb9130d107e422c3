using EstPortal.Policy;

namespace EstPortal.Components.Pages.Profiles;

/// <summary>The profile form's editable state: a flat, mutable mirror of <see cref="CsrPolicy"/> and the profile switches.</summary>
public sealed class ProfileFormModel
{
    /// <summary>The subject attributes a CA can set to a fixed value (CN and serialNumber identify the device).</summary>
    public static readonly IReadOnlyList<string> FixableAttributes = ["C", "ST", "L", "O", "OU"];

    public static readonly IReadOnlyList<string> Curves = ["P-256", "P-384", "P-521"];

    public static readonly IReadOnlyList<string> ServerKeyTypes = ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"];

    public string Name { get; set; } = "";
    public string? Label { get; set; }
    public string? CaName { get; set; }
    public bool RequiresApproval { get; set; }
    public bool WrapBase64Lines { get; set; }

    public bool AllowRsa { get; set; } = true;
    public int MinimumRsaBits { get; set; } = 2048;
    public IReadOnlyCollection<string> AllowedCurves { get; set; } = ["P-256", "P-384"];

    public IReadOnlyCollection<string> RequiredAttributes { get; set; } = [];
    public IReadOnlyCollection<string> AllowedAttributes { get; set; } = ["CN", "O", "OU", "C", "L", "ST", "serialNumber"];
    public string? CommonNamePattern { get; set; }
    public Dictionary<string, string?> Fixed { get; set; } = FixableAttributes.ToDictionary(a => a, _ => (string?)null);

    public IReadOnlyCollection<SubjectAltNameType> AllowedSanTypes { get; set; } = [SubjectAltNameType.Dns, SubjectAltNameType.Ip];
    public Dictionary<SubjectAltNameType, string?> SanPatterns { get; set; } = Enum.GetValues<SubjectAltNameType>().ToDictionary(t => t, _ => (string?)null);
    public int MaxSanCount { get; set; } = 10;
    public bool SanRequired { get; set; }

    public int ValidityDays { get; set; } = 365;
    public KeyPurpose KeyPurpose { get; set; } = KeyPurpose.ClientAuth;
    public IReadOnlyCollection<AuthenticationMethods> AllowedAuthentication { get; set; } =
        [AuthenticationMethods.DeviceCredential, AuthenticationMethods.BootstrapToken, AuthenticationMethods.ClientCertificate];
    public bool AllowChangeSubjectName { get; set; }
    public IReadOnlyCollection<string> AcceptReenrollmentFrom { get; set; } = [];
    public bool RequireProofOfPossessionLinking { get; set; }
    public bool RequireTpmAttestation { get; set; }
    public IReadOnlyCollection<string> TpmEkTrust { get; set; } = [];
    public string ServerKeyType { get; set; } = "EC-P256";
    public bool RequireServerKeyEncryption { get; set; }

    // Manufacturer certificates (IDevID) for first enrollment.
    public IReadOnlyCollection<string> IdevidTrustAnchors { get; set; } = [];
    public IdevidIdentitySource IdevidIdentity { get; set; } = IdevidIdentitySource.SerialNumber;
    public IdevidRegistration IdevidRegistration { get; set; } = IdevidRegistration.None;
    public bool IdevidAcceptExpired { get; set; }

    public CsrPolicy ToPolicy() => new()
    {
        Keys = new KeyPolicy { AllowRsa = AllowRsa, MinimumRsaBits = MinimumRsaBits, AllowedCurves = Curves.Where(AllowedCurves.Contains).ToList() },
        Subject = new SubjectPolicy
        {
            RequiredAttributes = SubjectAttributes.CanonicalOrder.Where(RequiredAttributes.Contains).ToList(),
            AllowedAttributes = SubjectAttributes.CanonicalOrder.Where(AllowedAttributes.Contains).ToList(),
            CommonNamePattern = Blank(CommonNamePattern),
            Fixed = Fixed.Where(kv => Blank(kv.Value) is not null).ToDictionary(kv => kv.Key, kv => (kv.Value ?? "").Trim()),
        },
        SubjectAltNames = new SubjectAltNamePolicy
        {
            AllowedTypes = Enum.GetValues<SubjectAltNameType>().Where(AllowedSanTypes.Contains).ToList(),
            Patterns = SanPatterns.Where(kv => AllowedSanTypes.Contains(kv.Key) && Blank(kv.Value) is not null)
                .ToDictionary(kv => kv.Key, kv => (kv.Value ?? "").Trim()),
            MaxCount = MaxSanCount,
            Required = SanRequired,
        },
        ValidityDays = ValidityDays,
        KeyPurpose = KeyPurpose,
        AllowedAuthentication = AllowedAuthentication.Aggregate(AuthenticationMethods.None, (all, m) => all | m),
        AllowChangeSubjectName = AllowChangeSubjectName,
        AcceptReenrollmentFrom = AcceptReenrollmentFrom.OrderBy(n => n, StringComparer.Ordinal).ToList(),
        RequireProofOfPossessionLinking = RequireProofOfPossessionLinking,
        TpmAttestation = new TpmAttestationPolicy { Required = RequireTpmAttestation, EkTrust = TpmEkTrust.OrderBy(n => n, StringComparer.Ordinal).ToList() },
        ServerKeyGeneration = new ServerKeyGenerationPolicy { KeyType = ServerKeyType, RequireEncryption = RequireServerKeyEncryption },
        Idevid = new IdevidPolicy
        {
            TrustAnchors = IdevidTrustAnchors.OrderBy(n => n, StringComparer.Ordinal).ToList(),
            Identity = IdevidIdentity,
            Registration = IdevidRegistration,
            AcceptExpired = IdevidAcceptExpired,
        },
    };

    public static ProfileFormModel From(string name, string? label, string caName, bool requiresApproval, bool wrap, CsrPolicy policy) => new()
    {
        Name = name,
        Label = label,
        CaName = caName,
        RequiresApproval = requiresApproval,
        WrapBase64Lines = wrap,
        AllowRsa = policy.Keys.AllowRsa,
        MinimumRsaBits = policy.Keys.MinimumRsaBits,
        AllowedCurves = policy.Keys.AllowedCurves.ToList(),
        RequiredAttributes = policy.Subject.RequiredAttributes.ToList(),
        AllowedAttributes = policy.Subject.AllowedAttributes.ToList(),
        CommonNamePattern = policy.Subject.CommonNamePattern,
        Fixed = FixableAttributes.ToDictionary(a => a, a => policy.Subject.Fixed.TryGetValue(a, out var v) ? v : null),
        AllowedSanTypes = policy.SubjectAltNames.AllowedTypes.ToList(),
        SanPatterns = Enum.GetValues<SubjectAltNameType>().ToDictionary(t => t, t => policy.SubjectAltNames.Patterns.TryGetValue(t, out var p) ? p : null),
        MaxSanCount = policy.SubjectAltNames.MaxCount,
        SanRequired = policy.SubjectAltNames.Required,
        ValidityDays = policy.ValidityDays,
        KeyPurpose = policy.KeyPurpose,
        AllowedAuthentication = new[] { AuthenticationMethods.DeviceCredential, AuthenticationMethods.BootstrapToken, AuthenticationMethods.ClientCertificate }
            .Where(m => policy.AllowedAuthentication.HasFlag(m)).ToList(),
        AllowChangeSubjectName = policy.AllowChangeSubjectName,
        AcceptReenrollmentFrom = policy.AcceptReenrollmentFrom.ToList(),
        RequireProofOfPossessionLinking = policy.RequireProofOfPossessionLinking,
        RequireTpmAttestation = policy.TpmAttestation.Required,
        TpmEkTrust = policy.TpmAttestation.EkTrust.ToList(),
        ServerKeyType = policy.ServerKeyGeneration.KeyType,
        RequireServerKeyEncryption = policy.ServerKeyGeneration.RequireEncryption,
        IdevidTrustAnchors = policy.Idevid.TrustAnchors.ToList(),
        IdevidIdentity = policy.Idevid.Identity,
        IdevidRegistration = policy.Idevid.Registration,
        IdevidAcceptExpired = policy.Idevid.AcceptExpired,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
