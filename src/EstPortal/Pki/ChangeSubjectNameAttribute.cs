using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Reads the id-cmc-changeSubjectName attribute (RFC 6402 §2.8) from a CSR loaded by <see cref="CsrLoader"/>:
/// <code>
/// ChangeSubjectName ::= SEQUENCE { subject Name OPTIONAL, subjectAlt SubjectAltName OPTIONAL }
///     (WITH COMPONENTS {..., subject PRESENT} | COMPONENTS {..., subjectAlt PRESENT})
/// </code>
/// Name and GeneralNames are both SEQUENCEs, so as published the two fields share a tag; RFC 6402 erratum 3943
/// tags subjectAlt [1]. Both encodings are accepted: an untagged SEQUENCE is a Name when its elements are SETs
/// (RDNs) or it is empty, and GeneralNames when its elements are context-specific (GeneralName choices).
/// </summary>
public static class ChangeSubjectNameAttribute
{
    public const string Oid = "1.3.6.1.5.5.7.7.36";

    private static readonly Asn1Tag ErratumSubjectAltTag = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <returns>Null when the CSR has no such attribute.</returns>
    /// <exception cref="CsrRejectedException">The attribute is repeated, or its value is not a well-formed ChangeSubjectName.</exception>
    public static ChangeSubjectName? Read(CertificateRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);

        var values = csr.OtherRequestAttributes.Where(a => a.Oid?.Value == Oid).ToList();
        if (values.Count == 0)
        {
            return null;
        }

        // Two values would leave "which change was approved" ambiguous.
        if (values.Count > 1)
        {
            throw new CsrRejectedException("the CSR has more than one changeSubjectName attribute");
        }

        try
        {
            return Decode(values[0].RawData);
        }
        catch (Exception ex) when (ex is AsnContentException or System.Security.Cryptography.CryptographicException)
        {
            throw new CsrRejectedException("the CSR changeSubjectName attribute is not valid DER", ex);
        }
    }

    private static ChangeSubjectName Decode(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        byte[]? subject = null;
        byte[]? subjectAlt = null;
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            var element = sequence.ReadEncodedValue().ToArray();
            if (tag.HasSameClassAndValue(ErratumSubjectAltTag) && tag.IsConstructed)
            {
                Ensure(subjectAlt is null, "names subjectAlt twice");
                subjectAlt = RetagAsSequence(element);
                EnsureGeneralNames(subjectAlt);
            }
            else if (tag == Asn1Tag.Sequence && IsName(element))
            {
                // Field order: subject comes first, so a Name after subjectAlt is out of order.
                Ensure(subject is null && subjectAlt is null, "has its subject out of order or twice");
                EnsureName(element);
                subject = element;
            }
            else if (tag == Asn1Tag.Sequence)
            {
                Ensure(subjectAlt is null, "names subjectAlt twice");
                EnsureGeneralNames(element);
                subjectAlt = element;
            }
            else
            {
                throw Rejected($"has an unexpected element (tag {tag})");
            }
        }

        // The WITH COMPONENTS constraint: an empty ChangeSubjectName asks for nothing and is malformed.
        Ensure(subject is not null || subjectAlt is not null, "names neither a subject nor a subjectAlt");
        return new ChangeSubjectName(subject, subjectAlt);
    }

    private static bool IsName(byte[] sequence)
    {
        var contents = new AsnReader(sequence, AsnEncodingRules.DER).ReadSequence();
        return !contents.HasData || contents.PeekTag() == Asn1Tag.SetOf;
    }

    // RFC 5280 §4.1.2.4: Name ::= SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { type OID, value ANY }.
    private static void EnsureName(byte[] name)
    {
        var rdns = new AsnReader(name, AsnEncodingRules.DER).ReadSequence();
        while (rdns.HasData)
        {
            var rdn = rdns.ReadSetOf();
            Ensure(rdn.HasData, "has an empty RDN in its subject");
            while (rdn.HasData)
            {
                var attribute = rdn.ReadSequence();
                attribute.ReadObjectIdentifier();
                attribute.ReadEncodedValue();
                attribute.ThrowIfNotEmpty();
            }
        }

        // The platform's own parser is the one the issuer uses later; it must accept the name too.
        _ = new X500DistinguishedName(name).Name;
    }

    // RFC 5280 §4.2.1.6: GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, each a context tag [0]..[8].
    private static void EnsureGeneralNames(byte[] generalNames)
    {
        var names = new AsnReader(generalNames, AsnEncodingRules.DER).ReadSequence();
        Ensure(names.HasData, "has an empty subjectAlt");
        while (names.HasData)
        {
            var tag = names.PeekTag();
            Ensure(tag.TagClass == TagClass.ContextSpecific && tag.TagValue <= 8, $"has a subjectAlt entry that is not a GeneralName (tag {tag})");
            names.ReadEncodedValue();
        }
    }

    // [1] IMPLICIT GeneralNames → the same contents under the universal SEQUENCE tag, as in a subjectAltName extension.
    private static byte[] RetagAsSequence(byte[] element)
    {
        var contents = new AsnReader(element, AsnEncodingRules.DER).ReadSequence(ErratumSubjectAltTag);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            while (contents.HasData)
            {
                writer.WriteEncodedValue(contents.ReadEncodedValue().Span);
            }
        }

        return writer.Encode();
    }

    private static void Ensure(bool condition, string problem)
    {
        if (!condition)
        {
            throw Rejected(problem);
        }
    }

    private static CsrRejectedException Rejected(string problem) =>
        new($"the CSR changeSubjectName attribute {problem} (RFC 6402 §2.8)");
}
