using EstPortal.DeviceAuth;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// A device certificate authenticates enrollment (re-enrollment, or /simpleenroll and /serverkeygen with a client
/// certificate) only under the profile that issued it, or a profile whose policy names that profile in
/// <see cref="Policy.CsrPolicy.AcceptReenrollmentFrom"/>: a certificate issued under label A does not open label B.
/// A certificate recorded without a profile (issued before profiles were recorded) counts as the default profile's.
/// </summary>
public sealed class CertificateProfileRule : ICallerRule
{
    public string Name => "certificate-profile";
    public bool NeedsCsr => false;

    public CallerRefusal? Check(CallerRequest request)
    {
        var caller = request.Caller;
        if (caller.Kind != EstCallerKind.ClientCertificate)
            return null;
        var profile = request.Profile;
        if (caller.CertificateProfileId is not { } issuedUnder)
        {
            return profile.Label is null
                ? null
                : new CallerRefusal(Name, $"certificate {Serial(caller)} was issued without a recorded profile and authenticates only on the default profile, not label '{profile.Label}'", Forbidden: true);
        }
        if (issuedUnder == profile.Id)
            return null;
        if (caller.CertificateProfileName is { } issuer && profile.Policy.AcceptReenrollmentFrom.Contains(issuer, StringComparer.Ordinal))
            return null;
        return new CallerRefusal(Name,
            $"certificate {Serial(caller)} was issued under profile '{caller.CertificateProfileName ?? issuedUnder.ToString()}' and profile '{profile.Name}' does not accept its certificates (AcceptReenrollmentFrom)",
            Forbidden: true);
    }

    private static string Serial(EstCaller caller) => caller.Certificate?.SerialNumber ?? caller.Actor;
}
