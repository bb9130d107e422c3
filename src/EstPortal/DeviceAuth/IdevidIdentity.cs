using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;

namespace EstPortal.DeviceAuth;

/// <summary>
/// Reads the value an IDevID names its device by, where the profile says: the subject's serialNumber attribute (IEEE
/// 802.1AR §8.6, the usual place), its CN, or a uniformResourceIdentifier subjectAltName (e.g. a urn:dev: URN, RFC 9039).
/// </summary>
public static class IdevidIdentity
{
    private const string SerialNumberOid = "2.5.4.5";
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>The value, or null and why there is none (absent, or more than one: which would be ambiguous).</summary>
    public static (string? Value, string? Problem) Read(X509Certificate2 certificate, IdevidIdentitySource source)
    {
        var values = source switch
        {
            IdevidIdentitySource.SanUri => SanUris(certificate),
            IdevidIdentitySource.CommonName => SubjectValues(certificate.SubjectName, CommonNameOid),
            _ => SubjectValues(certificate.SubjectName, SerialNumberOid),
        };
        var where = IdevidPolicy.Describe(source);
        return values.Count switch
        {
            0 => (null, $"the IDevID carries no {where} to name the device by"),
            > 1 => (null, $"the IDevID carries {values.Count} values of {where}; which device it names is ambiguous"),
            _ when string.IsNullOrWhiteSpace(values[0]) => (null, $"the IDevID's {where} is empty"),
            _ => (values[0], null),
        };
    }

    private static List<string> SubjectValues(X500DistinguishedName name, string oid) =>
        name.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid)
            .Select(rdn => rdn.GetSingleElementValue() ?? "")
            .ToList();

    private static List<string> SanUris(X509Certificate2 certificate) =>
        SubjectAltNameComparer.Of(certificate.Extensions) is { } san && GeneralNamesReader.TryRead(san.RawData) is { } names
            ? names.Where(n => n.Type == SubjectAltNameType.Uri).Select(n => n.Value).ToList()
            : [];
}
