using EstPortal.Pki;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// A device that authenticates as itself (its credential, a token bound to it, its certificate on /simpleenroll) enrolls
/// under its own name: the CSR carries one CN, equal to the device name as RFC 4518 compares names (case, spaces and
/// string type do not matter). A profile whose CN pattern names <c>{device}</c> (e.g. <c>{device}-.*</c>) governs the
/// CN instead; the policy applies that pattern. A renewal that keeps its certificate's Subject is left to
/// <see cref="ReenrollmentIdentityRule"/>: the name was bound when that certificate was issued.
/// </summary>
public sealed class DeviceCommonNameRule : ICallerRule
{
    public string Name => "identity";
    public bool NeedsCsr => true;

    public CallerRefusal? Check(CallerRequest request)
    {
        if (request.Csr is not { } csr || request.Caller.DeviceName is not { } device)
            return null;
        if (request.Profile.Policy.Subject.CommonNamePattern?.Contains("{device}", StringComparison.Ordinal) == true)
            return null;
        if (request.Renewed is { } current && DistinguishedNameComparer.Equal(current.SubjectName, csr.SubjectName))
            return null;

        var commonNames = csr.SubjectName.GetCommonNames();
        return commonNames.Count switch
        {
            0 => new CallerRefusal(Name, $"the CSR has no CN; device '{device}' enrolls under its own name (CN={device})"),
            > 1 => new CallerRefusal(Name, $"the CSR has {commonNames.Count} CNs; device '{device}' enrolls under one, its own name"),
            _ when !NamePreparation.Equal(commonNames[0], device) =>
                new CallerRefusal(Name, $"the CSR's CN '{commonNames[0]}' is not this device's name '{device}'"),
            _ => null,
        };
    }
}
