using System.Formats.Asn1;

namespace EstPortal.Pki;

/// <summary>
/// One deliberate leniency in reading a PKCS#10 request (ADR 0031): an ECDSA signature whose r or s is written with
/// needless leading zero octets. X.690 §8.3.2 forbids that encoding (in BER too), so the platform refuses such a
/// request as "does not verify" — but strongSwan 5.9.8's tpm plugin writes r and s at their full 32 octets, so about
/// one CSR in 256 that `pki --req --keyid` signs in a TPM comes out that way. The values are the same; only their
/// encoding is padded. <see cref="Canonical"/> re-encodes them minimally and the request is verified again as usual:
/// a signature that is wrong stays refused.
/// </summary>
public static class PaddedEcdsaSignature
{
    // RFC 5758 §3.2: ecdsa-with-SHA224/256/384/512 share this arc.
    private const string EcdsaWithShaArc = "1.2.840.10045.4.3.";

    /// <summary>
    /// The same request with its ECDSA signature's INTEGERs minimally encoded, or null when the request is not
    /// ECDSA-signed, is not readable that far, or has no padded INTEGER (nothing to repair: its refusal stands).
    /// </summary>
    public static byte[]? Canonical(byte[] csrDer)
    {
        try
        {
            var outer = new AsnReader(csrDer, AsnEncodingRules.DER);
            var request = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var info = request.ReadEncodedValue();
            var algorithm = request.ReadEncodedValue();
            var algorithmReader = new AsnReader(algorithm, AsnEncodingRules.DER).ReadSequence();
            if (!algorithmReader.ReadObjectIdentifier().StartsWith(EcdsaWithShaArc, StringComparison.Ordinal))
                return null;
            var signature = request.ReadBitString(out var unusedBits);
            request.ThrowIfNotEmpty();
            if (unusedBits != 0 || MinimalSignature(signature) is not { } minimal)
                return null;

            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(info.Span);
                writer.WriteEncodedValue(algorithm.Span);
                writer.WriteBitString(minimal);
            }
            return writer.Encode();
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Ecdsa-Sig-Value (RFC 3279 §2.2.3) with r and s re-encoded minimally; null when neither was padded.</summary>
    private static byte[]? MinimalSignature(ReadOnlyMemory<byte> signature)
    {
        // The INTEGERs are read as raw TLVs: the platform's reader refuses padded contents, which is the point here.
        var value = new AsnReader(signature, AsnEncodingRules.DER);
        var sequence = value.ReadSequence();
        value.ThrowIfNotEmpty(); // nothing after the Ecdsa-Sig-Value: the repair drops no bytes but the padding
        var r = ReadPositiveIntegerContents(sequence);
        var s = ReadPositiveIntegerContents(sequence);
        sequence.ThrowIfNotEmpty();
        var (minimalR, paddedR) = StripPadding(r);
        var (minimalS, paddedS) = StripPadding(s);
        if (!paddedR && !paddedS)
            return null;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(minimalR.Span);
            writer.WriteInteger(minimalS.Span);
        }
        return writer.Encode();
    }

    private static ReadOnlyMemory<byte> ReadPositiveIntegerContents(AsnReader sequence)
    {
        var tlv = sequence.ReadEncodedValue();
        var tag = Asn1Tag.Decode(tlv.Span, out var tagLength);
        if (!tag.HasSameClassAndValue(Asn1Tag.Integer) || tag.IsConstructed)
            throw new AsnContentException("not an INTEGER");
        var length = AsnDecoder.DecodeLength(tlv.Span[tagLength..], AsnEncodingRules.DER, out var lengthLength)
            ?? throw new AsnContentException("indefinite length");
        var contents = tlv.Slice(tagLength + lengthLength, length);
        // r and s are in [1, n-1]: a negative or empty INTEGER is no signature to repair.
        if (contents.IsEmpty || (contents.Span[0] & 0x80) != 0)
            throw new AsnContentException("not a positive INTEGER");
        return contents;
    }

    /// <summary>Drops leading 0x00 octets that X.690 §8.3.2 forbids (one stays where the next octet has its top bit set).</summary>
    private static (ReadOnlyMemory<byte> Minimal, bool WasPadded) StripPadding(ReadOnlyMemory<byte> contents)
    {
        var start = 0;
        while (contents.Length - start > 1 && contents.Span[start] == 0x00 && (contents.Span[start + 1] & 0x80) == 0)
            start++;
        return (contents[start..], start > 0);
    }
}
