using System.Text.RegularExpressions;

namespace EstPortal.Policy;

/// <summary>Checks a policy before it is saved, so an operator's mistake is a validation message, not a refused fleet.</summary>
public static class CsrPolicyValidator
{
    private static readonly string[] KnownCurves = ["P-256", "P-384", "P-521"];
    private static readonly string[] ServerKeyTypes = ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"];

    public static IReadOnlyList<string> Validate(CsrPolicy policy)
    {
        var errors = new List<string>();
        if (policy.Keys.MinimumRsaBits is < 2048 or > 16384)
            errors.Add("The minimum RSA key size must be between 2048 and 16384 bits.");
        foreach (var curve in policy.Keys.AllowedCurves.Where(c => !KnownCurves.Contains(c, StringComparer.OrdinalIgnoreCase)))
            errors.Add($"Unknown curve '{curve}': use P-256, P-384 or P-521.");
        if (!policy.Keys.AllowRsa && policy.Keys.AllowedCurves.Count == 0)
            errors.Add("The policy must allow at least one key type.");
        if (policy.ValidityDays is < 1 or > 3650)
            errors.Add("Validity must be between 1 and 3650 days.");
        if (policy.AllowedAuthentication == AuthenticationMethods.None)
            errors.Add("At least one authentication method must be allowed.");
        if (policy.SubjectAltNames.MaxCount is < 1 or > 100)
            errors.Add("The maximum number of subjectAltNames must be between 1 and 100.");
        if (policy.SubjectAltNames.Required && policy.SubjectAltNames.AllowedTypes.Count == 0)
            errors.Add("A subjectAltName cannot be required when no type is allowed.");

        foreach (var name in policy.Subject.RequiredAttributes.Concat(policy.Subject.AllowedAttributes).Concat(policy.Subject.Fixed.Keys))
        {
            if (SubjectAttributes.Oid(name) is null)
                errors.Add($"Unknown subject attribute '{name}': use {string.Join(", ", SubjectAttributes.Names)}.");
        }
        foreach (var required in policy.Subject.RequiredAttributes.Where(r => !policy.Subject.AllowedAttributes.Contains(r, StringComparer.OrdinalIgnoreCase)))
            errors.Add($"Required subject attribute '{required}' must also be allowed.");
        foreach (var (name, value) in policy.Subject.Fixed)
        {
            if (string.IsNullOrWhiteSpace(value))
                errors.Add($"The fixed value of {name} cannot be empty.");
            else if (string.Equals(name, "C", StringComparison.OrdinalIgnoreCase) && !Regex.IsMatch(value, "^[A-Z]{2}$"))
                errors.Add("C must be a two-letter country code (ISO 3166).");
        }

        CheckPattern(policy.Subject.CommonNamePattern, "CN pattern", errors);
        foreach (var (type, pattern) in policy.SubjectAltNames.Patterns)
            CheckPattern(pattern, $"{type} pattern", errors);

        if (!ServerKeyTypes.Contains(policy.ServerKeyGeneration.KeyType, StringComparer.OrdinalIgnoreCase))
            errors.Add($"Server key type '{policy.ServerKeyGeneration.KeyType}' is not one of {string.Join(", ", ServerKeyTypes)}.");
        return errors;
    }

    private static void CheckPattern(string? pattern, string what, List<string> errors)
    {
        if (pattern is null)
            return;
        try
        {
            _ = new Regex(pattern.Replace("{device}", "device", StringComparison.Ordinal), RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException ex)
        {
            errors.Add($"The {what} is not a valid regular expression: {ex.Message}");
        }
    }
}
