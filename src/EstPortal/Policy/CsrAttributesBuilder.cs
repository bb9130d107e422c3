namespace EstPortal.Policy;

/// <summary>
/// Builds the /csrattrs answer (RFC 7030 §4.5, RFC 9908) from the same <see cref="CsrPolicy"/> that enrollment
/// enforces, so what a client is told and what it is held to cannot drift apart.
/// </summary>
public static class CsrAttributesBuilder
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly KeyPolicy DefaultKeys = new();

    /// <summary>DER CsrAttrs, or null when the policy asks for nothing beyond the defaults (the server answers 204).</summary>
    public static byte[]? Build(CsrPolicy policy)
    {
        var request = ToRequest(policy);
        var der = CsrAttributesEncoder.Encode(request);
        return der is [0x30, 0x00] ? null : der;
    }

    public static CsrAttributesRequest ToRequest(CsrPolicy policy) => new()
    {
        // RFC 7030 §3.5 / §4.5.2: asking for challengePassword tells the client to link its CSR to the TLS session.
        ChallengePassword = policy.RequireProofOfPossessionLinking,
        Key = KeyRequirement(policy.Keys),
        Subject = SubjectTemplate(policy.Subject),
        ExtensionsToFill = policy.SubjectAltNames.Required ? [SubjectAltNameOid] : [],
    };

    /// <summary>
    /// RFC 9908 §3.2 names one key type. A policy that narrows the defaults names its first accepted type (an EC curve
    /// when EC is allowed, since EC keys are the cheaper choice for devices); the default key policy names none.
    /// </summary>
    private static CsrKeyRequirement? KeyRequirement(KeyPolicy keys)
    {
        var isDefault = keys.AllowRsa == DefaultKeys.AllowRsa && keys.MinimumRsaBits == DefaultKeys.MinimumRsaBits
                        && keys.AllowedCurves.SequenceEqual(DefaultKeys.AllowedCurves, StringComparer.OrdinalIgnoreCase);
        if (isDefault)
            return null;
        if (keys.AllowedCurves.Count > 0 && KeyDescription.CurveOid(keys.AllowedCurves[0]) is { } curve)
            return CsrKeyRequirement.Ec(curve);
        return keys.AllowRsa ? CsrKeyRequirement.Rsa(keys.MinimumRsaBits) : null;
    }

    /// <summary>Required attributes the client fills in; fixed ones with the value the CA will set (RFC 9908 §3.4).</summary>
    private static IReadOnlyList<CsrSubjectAttribute> SubjectTemplate(SubjectPolicy subject)
    {
        if (subject.RequiredAttributes.Count == 0 && subject.Fixed.Count == 0)
            return [];
        return SubjectAttributes.CanonicalOrder
            .Where(name => subject.Fixed.ContainsKey(name) || subject.RequiredAttributes.Contains(name, StringComparer.OrdinalIgnoreCase))
            .Select(name => new CsrSubjectAttribute(SubjectAttributes.Oid(name)!, subject.Fixed.TryGetValue(name, out var value) ? value : null))
            .ToList();
    }
}
