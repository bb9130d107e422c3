using EstPortal.Policy;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// A device that authenticates as itself may ask only for the subjectAltNames its own patterns allow
/// (<see cref="DeviceSubjectAltNamePatterns"/>); a device without patterns may ask for none. The profile's SAN policy
/// applies as well, afterwards. A renewal that keeps its certificate's subjectAltName is left to
/// <see cref="ReenrollmentIdentityRule"/>.
/// </summary>
public sealed class DeviceSubjectAltNameRule : ICallerRule
{
    public string Name => "identity-san";
    public bool NeedsCsr => true;

    public CallerRefusal? Check(CallerRequest request)
    {
        if (request.Csr is not { } csr || request.Caller.DeviceName is not { } device)
            return null;
        var requested = csr.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAltNameComparer.Oid).ToList();
        if (requested.Count == 0)
            return null;
        if (request.Renewed is { } current && requested.Count == 1
            && SubjectAltNameComparer.Difference(SubjectAltNameComparer.Of(current.Extensions), requested[0]) is null)
            return null;

        var patterns = DeviceSubjectAltNamePatterns.Parse(request.Caller.DeviceSubjectAltNamePatterns);
        foreach (var extension in requested)
        {
            if (GeneralNamesReader.TryRead(extension.RawData) is not { } names)
                return new CallerRefusal(Name, "the subjectAltName extension is not well-formed");
            // More names than the profile allows are refused by its policy; matching thousands of them first would only cost.
            if (names.Count > request.Profile.Policy.SubjectAltNames.MaxCount)
                return null;
            foreach (var name in names)
            {
                if (DeviceSubjectAltNamePatterns.Match(patterns, name, device) is not null)
                    continue;
                var shown = $"{name.Type?.ToString().ToUpperInvariant() ?? name.Kind}:{name.Value}";
                return new CallerRefusal(Name, patterns.Count == 0
                    ? $"device '{device}' has no subjectAltName patterns, so its CSR may carry no subjectAltName (it asks for {shown})"
                    : $"subjectAltName {shown} matches none of the patterns of device '{device}' ({string.Join(", ", patterns)})");
            }
        }
        return null;
    }
}
