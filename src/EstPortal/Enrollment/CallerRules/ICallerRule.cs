using System.Security.Cryptography.X509Certificates;
using EstPortal.DeviceAuth;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>What one caller rule looks at: who authenticated, for which operation and profile, and (once read) the CSR.</summary>
public sealed record CallerRequest(EstCaller Caller, EnrollmentKind Kind, ResolvedProfile Profile, CertificateRequest? Csr = null)
{
    /// <summary>The certificate being renewed: the caller's certificate on /simplereenroll.</summary>
    public X509Certificate2? Renewed => Kind == EnrollmentKind.Reenroll ? Caller.Certificate : null;
}

/// <summary>A broken caller rule: its name, why, and whether it is 403 (this caller may not use this profile) or 400.</summary>
public sealed record CallerRefusal(string Rule, string Reason, bool Forbidden = false)
{
    /// <summary>What the device and the audit log see: the rule names itself.</summary>
    public string Message => $"{Rule}: {Reason}";
}

/// <summary>
/// One "who may ask for what" check: what authenticated a request bounds what it may ask for. Rules that judge only the
/// caller and the profile run before the CSR is read (<see cref="NeedsCsr"/> false); the others see the CSR.
/// </summary>
public interface ICallerRule
{
    string Name { get; }
    bool NeedsCsr { get; }

    /// <summary>Null when the request passes; otherwise the refusal, naming this rule.</summary>
    CallerRefusal? Check(CallerRequest request);
}
