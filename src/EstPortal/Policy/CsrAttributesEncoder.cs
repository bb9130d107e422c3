using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Policy;

/// <summary>The key a client must put in its CSR: an EC curve or an RSA modulus length.</summary>
public sealed record CsrKeyRequirement
{
    private CsrKeyRequirement(string algorithmOid, string? curveOid, int? rsaBits)
    {
        AlgorithmOid = algorithmOid;
        CurveOid = curveOid;
        RsaBits = rsaBits;
    }

    /// <summary>id-ecPublicKey or rsaEncryption.</summary>
    public string AlgorithmOid { get; }

    public string? CurveOid { get; }

    public int? RsaBits { get; }

    /// <param name="curveOid">Named curve, e.g. 1.2.840.10045.3.1.7 (P-256) or 1.3.132.0.34 (P-384).</param>
    public static CsrKeyRequirement Ec(string curveOid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(curveOid);
        return new CsrKeyRequirement(CsrAttributesEncoder.EcPublicKeyOid, curveOid, null);
    }

    /// <param name="bits">Modulus length, within what the CA certifies (Pki.SubjectKeyRules), so no policy asks for a key the CA then refuses.</param>
    public static CsrKeyRequirement Rsa(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, Pki.SubjectKeyRules.MinimumRsaBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, Pki.SubjectKeyRules.MaximumRsaBits);
        return new CsrKeyRequirement(CsrAttributesEncoder.RsaEncryptionOid, null, bits);
    }
}

/// <summary>One RDN of a subject template: its attribute type and, if the server dictates it, its value.</summary>
/// <param name="Oid">Attribute type, e.g. 2.5.4.3 (commonName).</param>
/// <param name="Value">Null: the client fills it in (RFC 9908 §3.4). Otherwise the value the client must use.</param>
public sealed record CsrSubjectAttribute(string Oid, string? Value = null);

/// <summary>What a policy asks clients to put in their CSRs, in a form the /csrattrs encoder understands.</summary>
public sealed record CsrAttributesRequest
{
    /// <summary>Further bare OIDs (RFC 7030 §4.5.2 AttrOrOID "oid"), e.g. an attribute the client should include.</summary>
    public IReadOnlyList<string> Oids { get; init; } = [];

    public CsrKeyRequirement? Key { get; init; }

    /// <summary>Ask for a challengePassword (RFC 7030 §3.5: the tls-unique linking value).</summary>
    public bool ChallengePassword { get; init; }

    /// <summary>The CSR signature algorithm expected, e.g. 1.2.840.10045.4.3.2 (ecdsa-with-SHA256).</summary>
    public string? SignatureAlgorithmOid { get; init; }

    /// <summary>Subject RDNs, in order; an entry without value asks the client to fill it in. Empty: no subject requirement.</summary>
    public IReadOnlyList<CsrSubjectAttribute> Subject { get; init; } = [];

    /// <summary>Extensions with the exact values the client must request (e.g. a subjectAltName, a keyUsage).</summary>
    public IReadOnlyList<X509Extension> Extensions { get; init; } = [];

    /// <summary>Extension OIDs the client must include with a value of its own choosing.</summary>
    public IReadOnlyList<string> ExtensionsToFill { get; init; } = [];

    /// <summary>
    /// Also send the RFC 9908 §3.4 template when the classic elements could say everything. It is always sent when
    /// <see cref="Subject"/> or <see cref="ExtensionsToFill"/> is used, which only the template can express.
    /// </summary>
    public bool IncludeTemplate { get; init; }
}

/// <summary>
/// Encodes a /csrattrs response body (RFC 7030 §4.5.2 as corrected by RFC 8951 §3.5, clarified by RFC 9908):
/// <c>CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID</c>, <c>AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER,
/// attribute Attribute }</c>. The classic elements come first, in this order: challengePassword, the other OIDs, the
/// key type attribute, one extensionRequest attribute, the signature algorithm. Then, when wanted, the
/// CertificationRequestInfoTemplate (RFC 9908 §3.4). RFC 9908 §4: a client that understands the template uses it and
/// ignores the rest, older clients ignore the template; so requirements the template cannot carry (challengePassword,
/// signature algorithm) reach only older clients, and the template is sent only when it is needed or asked for.
/// </summary>
public static class CsrAttributesEncoder
{
    public const string ChallengePasswordOid = "1.2.840.113549.1.9.7";
    public const string ExtensionRequestOid = "1.2.840.113549.1.9.14";
    public const string EcPublicKeyOid = "1.2.840.10045.2.1";
    public const string RsaEncryptionOid = "1.2.840.113549.1.1.1";

    /// <summary>id-aa-certificationRequestInfoTemplate (RFC 9908 §3.4, Appendix A; IANA SMI S/MIME attribute 61).</summary>
    public const string CertificationRequestInfoTemplateOid = "1.2.840.113549.1.9.16.2.61";

    /// <summary>id-aa-extensionReqTemplate (RFC 9908 §3.4, Appendix A; IANA SMI S/MIME attribute 62).</summary>
    public const string ExtensionRequestTemplateOid = "1.2.840.113549.1.9.16.2.62";

    private const int RsaPublicExponent = 65537;

    private static readonly Asn1Tag SubjectPublicKeyInfoTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag AttributesTag = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <returns>DER CsrAttrs; an empty SEQUENCE when nothing is requested.</returns>
    /// <exception cref="ArgumentException">An OID is malformed, or an extension is named twice (RFC 9908 §3.2).</exception>
    public static byte[] Encode(CsrAttributesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureDistinctExtensions(request);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var oids = new List<string>();
            if (request.ChallengePassword)
            {
                oids.Add(ChallengePasswordOid);
            }

            oids.AddRange(request.Oids);
            foreach (var oid in oids.Distinct(StringComparer.Ordinal))
            {
                WriteOid(writer, oid);
            }

            if (request.Key is { } key)
            {
                WriteKeyAttribute(writer, key);
            }

            if (request.Extensions.Count > 0)
            {
                WriteExtensionRequest(writer, request.Extensions);
            }

            if (request.SignatureAlgorithmOid is { } signatureAlgorithm)
            {
                WriteOid(writer, signatureAlgorithm);
            }

            if (request.IncludeTemplate || request.Subject.Count > 0 || request.ExtensionsToFill.Count > 0)
            {
                WriteTemplateAttribute(writer, request);
            }
        }

        return writer.Encode();
    }

    /// <summary>
    /// RFC 9908 §3.2 and its worked examples: the key type is an Attribute named by the key algorithm, its value the
    /// named curve OID for EC or the modulus length as INTEGER for RSA.
    /// </summary>
    private static void WriteKeyAttribute(AsnWriter writer, CsrKeyRequirement key)
    {
        using (writer.PushSequence())
        {
            WriteOid(writer, key.AlgorithmOid);
            using (writer.PushSetOf())
            {
                if (key.CurveOid is { } curve)
                {
                    WriteOid(writer, curve);
                }
                else if (key.RsaBits is { } bits)
                {
                    writer.WriteInteger(bits);
                }
            }
        }
    }

    /// <summary>
    /// RFC 9908 §3.2: exactly one id-ExtensionReq attribute, whose values SET holds exactly one Extensions (RFC 5280
    /// §4.1) with no extnID twice.
    /// </summary>
    private static void WriteExtensionRequest(AsnWriter writer, IReadOnlyList<X509Extension> extensions)
    {
        using (writer.PushSequence())
        {
            WriteOid(writer, ExtensionRequestOid);
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                foreach (var extension in extensions)
                {
                    WriteExtension(writer, OidOf(extension), extension.Critical, extension.RawData);
                }
            }
        }
    }

    /// <summary>
    /// RFC 9908 §3.4: CertificationRequestInfoTemplate ::= SEQUENCE { version INTEGER v1(0), subject NameTemplate
    /// OPTIONAL, subjectPKInfo [0] SubjectPublicKeyInfoTemplate OPTIONAL, attributes [1] Attributes }, IMPLICIT tags.
    /// </summary>
    private static void WriteTemplateAttribute(AsnWriter writer, CsrAttributesRequest request)
    {
        using (writer.PushSequence())
        {
            WriteOid(writer, CertificationRequestInfoTemplateOid);
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);

                // "MUST be present if the server places any requirements on the RDNs of the subject name".
                if (request.Subject.Count > 0)
                {
                    WriteNameTemplate(writer, request.Subject);
                }

                // "MUST be absent if the server places no requirements on the key".
                if (request.Key is { } key)
                {
                    WriteSubjectPublicKeyInfoTemplate(writer, key);
                }

                // attributes is not OPTIONAL: an empty [1] when there is nothing to say.
                using (writer.PushSetOf(AttributesTag))
                {
                    WriteTemplateExtensions(writer, request);
                }
            }
        }
    }

    // RDNSequenceTemplate: one single-valued RDN per entry; SingleAttributeTemplate.value OPTIONAL.
    private static void WriteNameTemplate(AsnWriter writer, IReadOnlyList<CsrSubjectAttribute> subject)
    {
        using (writer.PushSequence())
        {
            foreach (var attribute in subject)
            {
                ArgumentNullException.ThrowIfNull(attribute);
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    WriteOid(writer, attribute.Oid);
                    if (attribute.Value is { } value)
                    {
                        writer.WriteCharacterString(StringTypeFor(attribute.Oid), value);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The algorithm names the key type (with its curve for EC). RFC 9908 §3.4: subjectPublicKey is absent unless an
    /// RSA size is required, in which case it is a placeholder key of that modulus length.
    /// </summary>
    private static void WriteSubjectPublicKeyInfoTemplate(AsnWriter writer, CsrKeyRequirement key)
    {
        using (writer.PushSequence(SubjectPublicKeyInfoTag))
        {
            using (writer.PushSequence())
            {
                WriteOid(writer, key.AlgorithmOid);
                if (key.CurveOid is { } curve)
                {
                    WriteOid(writer, curve);
                }
                else
                {
                    // RFC 3279 §2.3.1: rsaEncryption parameters are NULL.
                    writer.WriteNull();
                }
            }

            if (key.RsaBits is { } bits)
            {
                writer.WriteBitString(PlaceholderRsaPublicKey(bits));
            }
        }
    }

    /// <summary>
    /// RFC 9908 §3.4: id-ExtensionReq when every value is given; otherwise one id-aa-extensionReqTemplate (never both)
    /// whose ExtensionTemplates omit extnValue where the client fills it in.
    /// </summary>
    private static void WriteTemplateExtensions(AsnWriter writer, CsrAttributesRequest request)
    {
        if (request.ExtensionsToFill.Count == 0)
        {
            if (request.Extensions.Count > 0)
            {
                WriteExtensionRequest(writer, request.Extensions);
            }

            return;
        }

        using (writer.PushSequence())
        {
            WriteOid(writer, ExtensionRequestTemplateOid);
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                foreach (var extension in request.Extensions)
                {
                    WriteExtension(writer, OidOf(extension), extension.Critical, extension.RawData);
                }

                foreach (var oid in request.ExtensionsToFill)
                {
                    WriteExtension(writer, oid, critical: false, value: null);
                }
            }
        }
    }

    private static void WriteExtension(AsnWriter writer, string oid, bool critical, byte[]? value)
    {
        using (writer.PushSequence())
        {
            WriteOid(writer, oid);

            // DER: a BOOLEAN DEFAULT FALSE is omitted when false (X.690 §11.5).
            if (critical)
            {
                writer.WriteBoolean(true);
            }

            if (value is not null)
            {
                writer.WriteOctetString(value);
            }
        }
    }

    /// <summary>RSAPublicKey (RFC 8017 §A.1.1) whose modulus has exactly <paramref name="bits"/> bits; not a usable key.</summary>
    private static byte[] PlaceholderRsaPublicKey(int bits)
    {
        var key = new AsnWriter(AsnEncodingRules.DER);
        using (key.PushSequence())
        {
            key.WriteInteger((BigInteger.One << (bits - 1)) + BigInteger.One);
            key.WriteInteger(RsaPublicExponent);
        }

        return key.Encode();
    }

    // RFC 5280 §4.1.2.4 and Appendix A: country, serial number and dnQualifier are PrintableString; emailAddress and
    // domainComponent IA5String; everything else a DirectoryString, for which UTF8String is the MUST.
    private static UniversalTagNumber StringTypeFor(string oid) => oid switch
    {
        "2.5.4.6" or "2.5.4.5" or "2.5.4.46" => UniversalTagNumber.PrintableString,
        "1.2.840.113549.1.9.1" or "0.9.2342.19200300.100.1.25" => UniversalTagNumber.IA5String,
        _ => UniversalTagNumber.UTF8String,
    };

    private static void EnsureDistinctExtensions(CsrAttributesRequest request)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var oid in request.Extensions.Select(OidOf).Concat(request.ExtensionsToFill))
        {
            if (!seen.Add(oid))
            {
                throw new ArgumentException(
                    $"extension {oid} is named more than once (RFC 9908 §3.2: at most one element per extnID)",
                    nameof(request));
            }
        }
    }

    private static string OidOf(X509Extension extension) =>
        extension.Oid?.Value ?? throw new ArgumentException("an extension has no OID", nameof(extension));

    private static void WriteOid(AsnWriter writer, string oid)
    {
        try
        {
            writer.WriteObjectIdentifier(oid);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"'{oid}' is not a valid object identifier", nameof(oid), ex);
        }
    }
}
