namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// The caller rules in their fixed order (docs/adr/0012-identity-binding.md): first what the credential may use (method,
/// token's profile, certificate's profile, an IDevID's device, TPM attestation: 403), then what the CSR may ask for (token pattern, attested key, RFC 7030 §4.2.2 identity
/// of a renewal, device name, device subjectAltNames: 400). A renewal is first held to its certificate's names, so a
/// renewal that changes them hears that rule; a change it may make (ChangeSubjectName) still meets the device's identity. The first rule broken is the answer.
/// </summary>
public static class CallerRuleSet
{
    public static readonly IReadOnlyList<ICallerRule> Rules =
    [
        new AuthenticationMethodRule(),
        new TokenProfileRule(),
        new CertificateProfileRule(),
        new IdevidDeviceRule(),
        new TpmAttestationRule(),
        new TokenSubjectRule(),
        new AttestedKeyRule(),
        new ReenrollmentIdentityRule(),
        new DeviceCommonNameRule(),
        new DeviceSubjectAltNameRule(),
    ];

    /// <summary>The rules that need no CSR, run before it is read.</summary>
    public static CallerRefusal? CheckCaller(CallerRequest request) => Run(request, needsCsr: false);

    /// <summary>The rules that judge the CSR against the caller.</summary>
    public static CallerRefusal? CheckCsr(CallerRequest request) => Run(request, needsCsr: true);

    private static CallerRefusal? Run(CallerRequest request, bool needsCsr)
    {
        foreach (var rule in Rules)
        {
            if (rule.NeedsCsr == needsCsr && rule.Check(request) is { } refusal)
                return refusal;
        }
        return null;
    }
}
