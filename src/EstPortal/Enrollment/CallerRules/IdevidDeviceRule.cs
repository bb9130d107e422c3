using EstPortal.Policy;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// An IDevID proves which board this is, not that the fleet expects it. A board the device list does not know (by its
/// idevid value or its name) enrolls only where the profile registers devices on first contact: at once
/// (<see cref="IdevidRegistration.Auto"/>) or after an operator's approval (<see cref="IdevidRegistration.Approval"/>).
/// </summary>
public sealed class IdevidDeviceRule : ICallerRule
{
    public string Name => "idevid-device";
    public bool NeedsCsr => false;

    public CallerRefusal? Check(CallerRequest request)
    {
        if (request.Caller.Idevid is not { Known: false } idevid)
            return null;
        var policy = request.Profile.Policy.Idevid;
        return policy.Registration == IdevidRegistration.None
            ? new CallerRefusal(Name,
                $"no device is known by {IdevidPolicy.Describe(policy.Identity)} '{idevid.IdentityValue}' ({idevid.Presented}) and profile '{request.Profile.Name}' registers no device on first contact",
                Forbidden: true)
            : null;
    }
}
