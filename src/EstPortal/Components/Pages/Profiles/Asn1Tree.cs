using System.Formats.Asn1;
using System.Numerics;
using System.Text;

namespace EstPortal.Components.Pages.Profiles;

/// <summary>One line of a decoded DER structure: depth, what it is, and (for OIDs) the name operators know.</summary>
public sealed record Asn1Line(int Depth, string Text);

/// <summary>Decodes DER into an indented outline for the /csrattrs preview (System.Formats.Asn1, no interpretation beyond names).</summary>
public static class Asn1Tree
{
    private static readonly Dictionary<string, string> Names = new()
    {
        ["1.2.840.113549.1.9.7"] = "challengePassword",
        ["1.2.840.113549.1.9.14"] = "extensionRequest",
        ["1.2.840.10045.2.1"] = "id-ecPublicKey",
        ["1.2.840.113549.1.1.1"] = "rsaEncryption",
        ["1.2.840.10045.3.1.7"] = "secp256r1 (P-256)",
        ["1.3.132.0.34"] = "secp384r1 (P-384)",
        ["1.3.132.0.35"] = "secp521r1 (P-521)",
        ["1.2.840.113549.1.9.16.2.61"] = "id-aa-certificationRequestInfoTemplate (RFC 9908)",
        ["1.2.840.113549.1.9.16.2.62"] = "id-aa-extensionReqTemplate (RFC 9908)",
        ["2.5.29.17"] = "subjectAltName",
        ["2.5.4.3"] = "CN (commonName)",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "C (countryName)",
        ["2.5.4.7"] = "L (localityName)",
        ["2.5.4.8"] = "ST (stateOrProvinceName)",
        ["2.5.4.10"] = "O (organizationName)",
        ["2.5.4.11"] = "OU (organizationalUnitName)",
        ["1.2.840.10045.4.3.2"] = "ecdsa-with-SHA256",
        ["1.2.840.10045.4.3.3"] = "ecdsa-with-SHA384",
        ["1.2.840.113549.1.1.11"] = "sha256WithRSAEncryption",
    };

    public static IReadOnlyList<Asn1Line> Decode(byte[] der)
    {
        var lines = new List<Asn1Line>();
        Walk(new AsnReader(der, AsnEncodingRules.DER), 0, lines);
        return lines;
    }

    public static string NameOf(string oid) => Names.TryGetValue(oid, out var name) ? $"{oid} {name}" : oid;

    private static void Walk(AsnReader reader, int depth, List<Asn1Line> lines)
    {
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue == UniversalTagNumber.Sequence)
            {
                lines.Add(new(depth, "SEQUENCE"));
                Walk(reader.ReadSequence(), depth + 1, lines);
            }
            else if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue == UniversalTagNumber.SetOf)
            {
                lines.Add(new(depth, "SET"));
                Walk(reader.ReadSetOf(skipSortOrderValidation: true), depth + 1, lines);
            }
            else if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue == UniversalTagNumber.ObjectIdentifier)
            {
                lines.Add(new(depth, "OID " + NameOf(reader.ReadObjectIdentifier())));
            }
            else if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue == UniversalTagNumber.Integer)
            {
                lines.Add(new(depth, "INTEGER " + reader.ReadInteger().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            else if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String)
            {
                lines.Add(new(depth, $"{(UniversalTagNumber)tag.TagValue} \"{reader.ReadCharacterString((UniversalTagNumber)tag.TagValue)}\""));
            }
            else if (tag.IsConstructed)
            {
                lines.Add(new(depth, $"[{tag.TagValue}] {tag.TagClass}"));
                Walk(reader.ReadSequence(tag), depth + 1, lines);
            }
            else
            {
                var raw = reader.ReadEncodedValue();
                lines.Add(new(depth, $"{Describe(tag)} ({raw.Length} bytes) {Convert.ToHexString(raw.Span[..Math.Min(raw.Length, 24)])}{(raw.Length > 24 ? "…" : "")}"));
            }
        }
    }

    private static string Describe(Asn1Tag tag) =>
        tag.TagClass == TagClass.Universal ? ((UniversalTagNumber)tag.TagValue).ToString().ToUpperInvariant() : $"[{tag.TagValue}] {tag.TagClass}";
}
