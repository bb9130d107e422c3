using EstPortal.Pki;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// RFC 7030 §4.2.2 on /simplereenroll: the CSR keeps the Subject and subjectAltName of the certificate being renewed
/// (<see cref="ReenrollmentRules"/>). A client certificate that belongs to no device (a bootstrap-token enrollment that
/// registered none) has no other identity, so on /simpleenroll and /serverkeygen it is held to the same rule.
/// </summary>
public sealed class ReenrollmentIdentityRule : ICallerRule
{
    public string Name => "reenrollment-identity";
    public bool NeedsCsr => true;

    public CallerRefusal? Check(CallerRequest request)
    {
        if (request.Csr is not { } csr || request.Caller.Certificate is not { } current)
            return null;
        if (request.Kind != EnrollmentKind.Reenroll && request.Caller.DeviceName is not null)
            return null;
        string? reason;
        try
        {
            reason = ReenrollmentRules.Check(current, csr, request.Profile.Policy.AllowChangeSubjectName);
        }
        catch (CsrRejectedException ex)
        {
            reason = ex.Message;
        }
        return reason is null ? null : new CallerRefusal(Name, reason);
    }
}
