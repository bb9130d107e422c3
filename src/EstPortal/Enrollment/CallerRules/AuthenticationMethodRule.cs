using EstPortal.DeviceAuth;
using EstPortal.Policy;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>A profile names the authentication methods it accepts (device credential, bootstrap token, client certificate).</summary>
public sealed class AuthenticationMethodRule : ICallerRule
{
    public string Name => "authentication";
    public bool NeedsCsr => false;

    public CallerRefusal? Check(CallerRequest request) =>
        CsrPolicyEvaluator.CheckAuthentication(request.Profile.Policy, MethodOf(request.Caller.Kind)) is { } violation
            ? new CallerRefusal(Name, violation.Reason, Forbidden: true)
            : null;

    private static AuthenticationMethods MethodOf(EstCallerKind kind) => kind switch
    {
        EstCallerKind.DeviceCredential => AuthenticationMethods.DeviceCredential,
        EstCallerKind.BootstrapToken => AuthenticationMethods.BootstrapToken,
        _ => AuthenticationMethods.ClientCertificate,
    };
}
