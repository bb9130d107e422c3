using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// The "certs-only" CMS message EST answers /cacerts and /simpleenroll with (RFC 7030 §4.1.3 and §4.2.3): a
/// degenerate SignedData (RFC 5652 §5) with no signers and no content, only certificates. Written directly with
/// the BCL's AsnWriter: SignedCms is not in the shared framework's reference assemblies, and the structure is
/// small enough that a CMS library would add a dependency without removing any risk.
/// </summary>
public static class CertsOnlyPkcs7
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string DataOid = "1.2.840.113549.1.7.1";

    /// <returns>DER-encoded ContentInfo.</returns>
    public static byte[] Encode(IEnumerable<X509Certificate2> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        // A null certificate becomes a null DER, which EncodeDer refuses.
        return EncodeDer(certificates.Select(c => c?.RawData!));
    }

    /// <param name="certificates">Each certificate's DER.</param>
    /// <returns>DER-encoded ContentInfo.</returns>
    public static byte[] EncodeDer(IEnumerable<byte[]> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SignedDataOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                // RFC 5652 §5.1: version 1 — no attribute certificates, eContentType id-data, no v3 SignerInfos.
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                    // digestAlgorithms: empty, there are no signers.
                }

                // encapContentInfo: id-data with eContent absent (RFC 5652 §5.2, "degenerate" case).
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(DataOid);
                }

                // certificates [0] IMPLICIT CertificateSet. DER sorts SET OF members; RFC 5652 gives the set no
                // order, so clients must not rely on one.
                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    foreach (var certificate in certificates)
                    {
                        ArgumentNullException.ThrowIfNull(certificate, nameof(certificates));
                        writer.WriteEncodedValue(certificate);
                    }
                }

                using (writer.PushSetOf())
                {
                    // signerInfos: empty.
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>The certificates of a certs-only message (BER or DER), as DER, in the order they are encoded.</summary>
    /// <exception cref="AsnContentException">Not a SignedData ContentInfo.</exception>
    public static IReadOnlyList<byte[]> DecodeDer(ReadOnlyMemory<byte> contentInfo)
    {
        var outer = new AsnReader(contentInfo, AsnEncodingRules.BER).ReadSequence();
        if (outer.ReadObjectIdentifier() != SignedDataOid)
            throw new AsnContentException("not a CMS SignedData");
        var signedData = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        signedData.ReadSequence();
        var certificates = new List<byte[]>();
        if (!signedData.HasData || !signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            return certificates;
        var set = signedData.ReadSetOf(skipSortOrderValidation: true, new Asn1Tag(TagClass.ContextSpecific, 0));
        while (set.HasData)
            certificates.Add(set.ReadEncodedValue().ToArray());
        return certificates;
    }
}
