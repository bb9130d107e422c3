using System.Text.Json.Serialization;

namespace EstPortal.Policy;

/// <summary>Where an IDevID names its device (IEEE 802.1AR §8.6: the subject serialNumber is the usual place).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IdevidIdentitySource>))]
public enum IdevidIdentitySource
{
    SerialNumber,
    CommonName,
    SanUri,
}

/// <summary>What happens when a valid IDevID names a device the fleet does not know.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IdevidRegistration>))]
public enum IdevidRegistration
{
    /// <summary>Refused: only devices in the device list enroll.</summary>
    None,
    /// <summary>The device is created on first contact and enrolls.</summary>
    Auto,
    /// <summary>The request waits in the pending queue; once an operator approves it the device is created and enrolls.</summary>
    Approval,
}

/// <summary>
/// First enrollment authenticated by a manufacturer certificate (IEEE 802.1AR IDevID; RFC 7030 §3.3.2 lets a client
/// authenticate with a certificate from a third-party CA). Off while <see cref="TrustAnchors"/> is empty: then a
/// certificate this server did not issue is no credential on the profile.
/// </summary>
public sealed record IdevidPolicy
{
    /// <summary>Names of manufacturer trust anchors (see <c>trust add</c>) whose IDevIDs this profile accepts.</summary>
    public IReadOnlyList<string> TrustAnchors { get; init; } = [];
    public IdevidIdentitySource Identity { get; init; } = IdevidIdentitySource.SerialNumber;
    public IdevidRegistration Registration { get; init; } = IdevidRegistration.None;
    /// <summary>Accept an IDevID past its notAfter (a device that sat in a warehouse); 99991231235959Z never expires.</summary>
    public bool AcceptExpired { get; init; }

    [JsonIgnore]
    public bool Enabled => TrustAnchors.Count > 0;

    public static string Describe(IdevidIdentitySource source) => source switch
    {
        IdevidIdentitySource.CommonName => "cn",
        IdevidIdentitySource.SanUri => "san-uri",
        _ => "serialNumber",
    };

    public static IdevidIdentitySource? ParseIdentity(string text) => text.ToLowerInvariant() switch
    {
        "serialnumber" => IdevidIdentitySource.SerialNumber,
        "cn" => IdevidIdentitySource.CommonName,
        "san-uri" => IdevidIdentitySource.SanUri,
        _ => null,
    };

    public static IdevidRegistration? ParseRegistration(string text) => text.ToLowerInvariant() switch
    {
        "none" => IdevidRegistration.None,
        "auto" => IdevidRegistration.Auto,
        "approval" => IdevidRegistration.Approval,
        _ => null,
    };
}
