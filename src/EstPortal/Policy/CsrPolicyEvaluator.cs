using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace EstPortal.Policy;

/// <summary>
/// Applies a <see cref="CsrPolicy"/> to a CSR in a fixed order — key, subject, subjectAltName — and either returns the
/// certificate content the CA will sign or the first rule the CSR breaks.
/// </summary>
public static class CsrPolicyEvaluator
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static (PolicyDecision? Decision, PolicyViolation? Violation) Evaluate(CsrPolicy policy, CertificateRequest csr, string? deviceName)
    {
        if (CheckKey(policy.Keys, csr.PublicKey) is { } keyViolation)
            return (null, keyViolation);
        if (CheckSubject(policy.Subject, csr.SubjectName, deviceName, out var subject) is { } subjectViolation)
            return (null, subjectViolation);
        if (CheckSubjectAltNames(policy.SubjectAltNames, csr, deviceName, out var san) is { } sanViolation)
            return (null, sanViolation);
        return (new PolicyDecision(subject!, san, TimeSpan.FromDays(policy.ValidityDays), policy.KeyPurpose), null);
    }

    /// <summary>Null when <paramref name="method"/> may enroll under this policy.</summary>
    public static PolicyViolation? CheckAuthentication(CsrPolicy policy, AuthenticationMethods method) =>
        policy.AllowedAuthentication.HasFlag(method)
            ? null
            : new("authentication", $"this profile does not accept {Describe(method)}");

    private static string Describe(AuthenticationMethods method) => method switch
    {
        AuthenticationMethods.DeviceCredential => "device credentials",
        AuthenticationMethods.BootstrapToken => "bootstrap tokens",
        AuthenticationMethods.ClientCertificate => "TLS client certificates",
        _ => method.ToString(),
    };

    private static PolicyViolation? CheckKey(KeyPolicy policy, PublicKey key)
    {
        var description = KeyDescription.Of(key);
        switch (description.Algorithm)
        {
            case "RSA":
                if (!policy.AllowRsa)
                    return new("key", $"key {description} is not allowed: this profile accepts EC keys on {string.Join(", ", policy.AllowedCurves)}");
                if (description.RsaBits < policy.MinimumRsaBits)
                    return new("key", $"key {description} is below the minimum RSA-{policy.MinimumRsaBits}");
                return null;
            case "EC":
                if (!policy.AllowedCurves.Contains(description.Curve, StringComparer.OrdinalIgnoreCase))
                    return new("key", $"key {description} is not allowed: curves accepted are {string.Join(", ", policy.AllowedCurves)}");
                return null;
            default:
                return new("key", $"key algorithm {description} is not allowed");
        }
    }

    private static PolicyViolation? CheckSubject(SubjectPolicy policy, X500DistinguishedName requested, string? deviceName, out X500DistinguishedName? subject)
    {
        subject = null;
        var present = new List<(string Name, string Value, X500RelativeDistinguishedName Rdn)>();
        foreach (var rdn in requested.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
                return new("subject", "multi-valued RDNs are not allowed in the subject");
            var oid = rdn.GetSingleElementType().Value ?? "";
            var name = SubjectAttributes.ShortName(oid);
            if (name is null || !policy.AllowedAttributes.Contains(name, StringComparer.OrdinalIgnoreCase))
                return new("subject", $"subject attribute {name ?? oid} is not allowed (allowed: {string.Join(", ", policy.AllowedAttributes)})");
            present.Add((name, rdn.GetSingleElementValue() ?? "", rdn));
        }

        foreach (var required in policy.RequiredAttributes)
        {
            if (!present.Any(p => string.Equals(p.Name, required, StringComparison.OrdinalIgnoreCase)))
                return new("subject", $"the subject must contain {required}");
        }

        if (policy.CommonNamePattern is { } pattern)
        {
            if (pattern.Contains("{device}", StringComparison.Ordinal) && deviceName is null)
                return new("subject", "the CN pattern names the device, but this request is not tied to a device");
            var cn = present.FirstOrDefault(p => p.Name == "CN").Value;
            if (cn is null || !FullMatch(pattern, cn, deviceName))
                return new("subject", $"CN '{cn}' does not match the required pattern {Render(pattern, deviceName)}");
        }

        foreach (var (name, value) in policy.Fixed)
        {
            var conflicting = present.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Value != value);
            if (conflicting.Name is not null)
                return new("subject", $"{name} must be '{value}' (the CSR asks for '{conflicting.Value}')");
        }

        subject = policy.Fixed.Count == 0 ? requested : WithFixedAttributes(policy.Fixed, present.Select(p => p.Rdn), present.Select(p => p.Name));
        return null;
    }

    /// <summary>The CA's fixed attributes first (most significant), then the CSR's RDNs as they were encoded.</summary>
    private static X500DistinguishedName WithFixedAttributes(
        IReadOnlyDictionary<string, string> fixedValues, IEnumerable<X500RelativeDistinguishedName> requested, IEnumerable<string> requestedNames)
    {
        var already = requestedNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var name in SubjectAttributes.CanonicalOrder.Where(n => fixedValues.ContainsKey(n) && !already.Contains(n)))
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(SubjectAttributes.Oid(name)!);
                    // RFC 5280 §4.1.2.4: countryName is a PrintableString; the rest UTF8String.
                    writer.WriteCharacterString(name == "C" ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String, fixedValues[name]);
                }
            }
            foreach (var rdn in requested)
                writer.WriteEncodedValue(rdn.RawData.Span);
        }
        return new X500DistinguishedName(writer.Encode());
    }

    private static PolicyViolation? CheckSubjectAltNames(SubjectAltNamePolicy policy, CertificateRequest csr, string? deviceName, out X509Extension? san)
    {
        san = null;
        var extensions = csr.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAltNameOid).ToList();
        if (extensions.Count > 1)
            return new("subjectAltName", "the CSR requests more than one subjectAltName extension");
        if (extensions.Count == 0)
            return policy.Required ? new("subjectAltName", "a subjectAltName is required") : null;

        var names = GeneralNamesReader.TryRead(extensions[0].RawData);
        if (names is null)
            return new("subjectAltName", "the subjectAltName extension is not well-formed");
        if (names.Count == 0)
            return new("subjectAltName", "the subjectAltName extension is empty");
        if (names.Count > policy.MaxCount)
            return new("subjectAltName", $"{names.Count} subjectAltNames requested; at most {policy.MaxCount} are allowed");
        foreach (var name in names)
        {
            if (name.Type is not { } type || !policy.AllowedTypes.Contains(type))
                return new("subjectAltName", $"subjectAltName type {name.Kind} is not allowed (allowed: {string.Join(", ", policy.AllowedTypes)})");
            if (policy.Patterns.TryGetValue(type, out var pattern))
            {
                if (pattern.Contains("{device}", StringComparison.Ordinal) && deviceName is null)
                    return new("subjectAltName", "the subjectAltName pattern names the device, but this request is not tied to a device");
                if (!FullMatch(pattern, name.Value, deviceName))
                    return new("subjectAltName", $"subjectAltName {type} '{name.Value}' does not match {Render(pattern, deviceName)}");
            }
        }
        san = extensions[0];
        return null;
    }

    private static bool FullMatch(string pattern, string value, string? deviceName)
    {
        try
        {
            var expanded = pattern.Replace("{device}", Regex.Escape(deviceName ?? ""), StringComparison.Ordinal);
            return Regex.IsMatch(value, $"^(?:{expanded})$", RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string Render(string pattern, string? deviceName) =>
        deviceName is null ? pattern : pattern.Replace("{device}", deviceName, StringComparison.Ordinal);
}
