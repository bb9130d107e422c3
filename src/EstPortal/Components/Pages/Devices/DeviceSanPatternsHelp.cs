using EstPortal.Policy;

namespace EstPortal.Components.Pages.Devices;

/// <summary>The subjectAltName patterns field, as the add dialog and the patterns dialog share it: one pattern per line.</summary>
public static class DeviceSanPatternsHelp
{
    public const string Text =
        "Regular expressions, typed dns:, ip:, uri:, email: or untyped; {device} is the device name (e.g. dns:{device}.plant.example). None: the device may ask for no subjectAltName.";

    public static IReadOnlyList<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string? Validate(string? text) =>
        DeviceSubjectAltNamePatterns.Validate(Lines(text)).Errors is { Count: > 0 } errors ? string.Join(" ", errors) : null;
}
