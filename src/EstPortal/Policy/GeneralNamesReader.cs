using System.Formats.Asn1;
using System.Net;
using System.Text;

namespace EstPortal.Policy;

/// <summary>
/// One entry of a subjectAltName; <see cref="Type"/> is null for kinds we never issue (otherName, dirName…), whose
/// <see cref="Value"/> is then '#' and the hex of their encoding.
/// </summary>
public sealed record GeneralNameEntry(SubjectAltNameType? Type, string Value, string Kind);

/// <summary>Reads GeneralNames (RFC 5280 §4.2.1.6) from a subjectAltName extension value.</summary>
public static class GeneralNamesReader
{
    /// <summary>The entries, or null when the DER is not a well-formed GeneralNames.</summary>
    public static IReadOnlyList<GeneralNameEntry>? TryRead(ReadOnlyMemory<byte> extensionValue)
    {
        try
        {
            var names = new List<GeneralNameEntry>();
            var outer = new AsnReader(extensionValue, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (sequence.HasData)
                names.Add(ReadOne(sequence));
            return names;
        }
        catch (AsnContentException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static GeneralNameEntry ReadOne(AsnReader reader)
    {
        var tag = reader.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific)
            throw new AsnContentException("GeneralName must be context-tagged");
        switch (tag.TagValue)
        {
            case 1:
                return new(SubjectAltNameType.Email, reader.ReadCharacterString(UniversalTagNumber.IA5String, tag), "rfc822Name");
            case 2:
                return new(SubjectAltNameType.Dns, reader.ReadCharacterString(UniversalTagNumber.IA5String, tag), "dNSName");
            case 6:
                return new(SubjectAltNameType.Uri, reader.ReadCharacterString(UniversalTagNumber.IA5String, tag), "uniformResourceIdentifier");
            case 7:
                var bytes = reader.ReadOctetString(tag);
                if (bytes.Length is not (4 or 16))
                    throw new AsnContentException("iPAddress must be 4 or 16 octets");
                return new(SubjectAltNameType.Ip, new IPAddress(bytes).ToString(), "iPAddress");
            default:
                var encoded = reader.ReadEncodedValue();
                var kind = tag.TagValue switch
                {
                    0 => "otherName",
                    3 => "x400Address",
                    4 => "directoryName",
                    5 => "ediPartyName",
                    8 => "registeredID",
                    _ => $"[{tag.TagValue}]",
                };
                return new(null, "#" + Convert.ToHexString(encoded.Span), kind);
        }
    }
}
