namespace EstPortal.Enrollment.CallerRules;

/// <summary>A bootstrap token issued for one profile (label) enrolls under that profile only.</summary>
public sealed class TokenProfileRule : ICallerRule
{
    public string Name => "token-profile";
    public bool NeedsCsr => false;

    public CallerRefusal? Check(CallerRequest request) =>
        request.Caller.TokenProfileId is { } profile && profile != request.Profile.Id
            ? new CallerRefusal(Name, "this bootstrap token was issued for another enrollment profile (label)", Forbidden: true)
            : null;
}
