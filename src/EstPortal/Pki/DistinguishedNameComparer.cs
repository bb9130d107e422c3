using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Compares distinguished names the way RFC 5280 §7.1 says: RDN by RDN in order, the same attribute types in each,
/// string values after RFC 4518 preparation (<see cref="NamePreparation"/>), so a CN written as PrintableString by one
/// tool and as UTF8String by another, or in another case, is the same name. Values that are not strings compare as DER.
/// </summary>
public static class DistinguishedNameComparer
{
    private sealed record Attribute(string Type, string Display, string Compared);

    public static bool Equal(X500DistinguishedName a, X500DistinguishedName b) => Difference(a, b) is null;

    /// <summary>Null when the names are equal; otherwise the first real difference, e.g. <c>CN 'device-42' vs 'device-43'</c>.</summary>
    public static string? Difference(X500DistinguishedName a, X500DistinguishedName b)
    {
        var left = Read(a);
        var right = Read(b);
        if (left is null || right is null)
            return a.RawData.AsSpan().SequenceEqual(b.RawData) ? null : $"'{a.Name}' vs '{b.Name}' (a name that is not well-formed compares as DER)";

        var leftTypes = string.Join(", ", left.Select(r => string.Join("+", r.Select(v => v.Type))));
        var rightTypes = string.Join(", ", right.Select(r => string.Join("+", r.Select(v => v.Type))));
        if (leftTypes != rightTypes)
            return $"attributes {Describe(leftTypes)} vs {Describe(rightTypes)} (the same attributes in the same order are required)";

        for (var i = 0; i < left.Count; i++)
        {
            var l = left[i].OrderBy(v => v.Type, StringComparer.Ordinal).ThenBy(v => v.Compared, StringComparer.Ordinal).ToList();
            var r = right[i].OrderBy(v => v.Type, StringComparer.Ordinal).ThenBy(v => v.Compared, StringComparer.Ordinal).ToList();
            for (var j = 0; j < l.Count; j++)
            {
                if (l[j].Compared != r[j].Compared)
                    return $"{l[j].Type} '{l[j].Display}' vs '{r[j].Display}'";
            }
        }
        return null;
    }

    private static string Describe(string types) => types.Length == 0 ? "(none)" : $"'{types}'";

    /// <summary>The RDNs, each its attributes; null when the encoding is not a Name (RFC 5280 §4.1.2.4).</summary>
    private static List<List<Attribute>>? Read(X500DistinguishedName name)
    {
        try
        {
            var rdns = new List<List<Attribute>>();
            var outer = new AsnReader(name.RawData, AsnEncodingRules.BER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (sequence.HasData)
            {
                var set = sequence.ReadSetOf(skipSortOrderValidation: true);
                var attributes = new List<Attribute>();
                while (set.HasData)
                {
                    var pair = set.ReadSequence();
                    var oid = pair.ReadObjectIdentifier();
                    attributes.Add(ReadValue(ShortName(oid), pair.ReadEncodedValue()));
                    pair.ThrowIfNotEmpty();
                }
                if (attributes.Count == 0)
                    return null;
                rdns.Add(attributes);
            }
            return rdns;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static Attribute ReadValue(string type, ReadOnlyMemory<byte> encoded)
    {
        var raw = Convert.ToHexString(encoded.Span);
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.BER);
            var tag = reader.PeekTag();
            if (tag.TagClass == TagClass.Universal && IsString((UniversalTagNumber)tag.TagValue))
            {
                var text = reader.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                return new Attribute(type, text, NamePreparation.Prepare(text));
            }
        }
        catch (Exception ex) when (ex is AsnContentException or System.Text.DecoderFallbackException or ArgumentException)
        {
            // Not decodable as the string type it claims: compared as its encoding, shown in hex.
        }
        return new Attribute(type, "#" + raw, "#" + raw);
    }

    /// <summary>The DirectoryString choices (RFC 5280 §4.1.2.4) and the IA5/Numeric/Visible strings some attributes use.</summary>
    private static bool IsString(UniversalTagNumber tag) => tag is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString
        or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString or UniversalTagNumber.T61String
        or UniversalTagNumber.IA5String or UniversalTagNumber.NumericString or UniversalTagNumber.VisibleString;

    private static string ShortName(string oid) => new Oid(oid).FriendlyName is { Length: > 0 } friendly ? friendly : oid;
}
