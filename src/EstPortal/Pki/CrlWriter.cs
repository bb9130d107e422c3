using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Writes one complete X.509 v2 CRL (RFC 5280 §5.1) entry by entry: each revoked certificate is DER-encoded as it
/// arrives into a <see cref="SpillingBuffer"/> (about 45 bytes an entry; past 1 MiB a temporary file), so a publisher
/// can stream entries from the database without holding them. <see cref="Finish"/> hashes the TBSCertList around them
/// as a stream and has the CA sign the digest (<see cref="ICaSigner.SignDigest"/>; an HSM gets only the digest, as
/// always, ADR 0018), and hands back a <see cref="SignedCrl"/> to be streamed into the database: memory stays the
/// same whatever the count (ADR 0030).
/// The encoding is the one <see cref="CertificateRevocationListBuilder"/> writes (the tests compare the two); that
/// builder keeps every entry as an object and its whole output in a doubling buffer, which cost some 1.5 KB of managed
/// memory per entry (bench/est-load-profile.md, round 3).
/// </summary>
public sealed class CrlWriter : IDisposable
{
    /// <summary>RFC 5280 §4.1.2.2: serial numbers are at most 20 octets.</summary>
    private const int MaxSerialLength = 20;

    private readonly SpillingBuffer _entries = new();
    private readonly AsnWriter _entry = new(AsnEncodingRules.DER);
    private readonly ICaSigner _ca;
    private readonly DateTimeOffset _thisUpdate;
    private readonly DateTimeOffset _nextUpdate;

    /// <param name="thisUpdate">Truncated to whole seconds here (RFC 5280 §5.1.2.4).</param>
    /// <param name="nextUpdate">Truncated likewise (§5.1.2.5); must be later than thisUpdate.</param>
    public CrlWriter(ICaSigner ca, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        ArgumentNullException.ThrowIfNull(ca);
        _thisUpdate = CertificateTimes.TruncateToSeconds(thisUpdate);
        _nextUpdate = CertificateTimes.TruncateToSeconds(nextUpdate);
        if (_nextUpdate <= _thisUpdate)
            throw new ArgumentException("nextUpdate must be later than thisUpdate (RFC 5280 §5.1.2.5)", nameof(nextUpdate));
        EnsureMaySignCrls(ca.Certificate);
        _ca = ca;
    }

    public int Count { get; private set; }

    /// <summary>Appends one revokedCertificates entry (RFC 5280 §5.1.2.6).</summary>
    /// <param name="serialNumber">The certificate's serial as its DER INTEGER content (<c>X509Certificate2.SerialNumberBytes</c>).</param>
    /// <exception cref="ArgumentException">The serial's length is outside 1..20 octets or it is not a minimal INTEGER, or the reason is removeFromCRL or undefined.</exception>
    public void Add(ReadOnlySpan<byte> serialNumber, DateTimeOffset revokedAt, RevocationReason reason)
    {
        if (serialNumber.Length is 0 or > MaxSerialLength)
        {
            throw new ArgumentException(
                $"serial number length {serialNumber.Length} is outside 1..{MaxSerialLength} octets (RFC 5280 §4.1.2.2)", nameof(serialNumber));
        }
        if (reason == RevocationReason.RemoveFromCrl)
        {
            // RFC 5280 §5.3.1: removeFromCRL only appears in delta CRLs; this writer writes complete CRLs.
            throw new ArgumentException("removeFromCRL is only valid in delta CRLs", nameof(reason));
        }
        if (!RevocationReasons.IsDefined(reason))
            throw new ArgumentException($"revocation reason {(int)reason} is not defined by RFC 5280", nameof(reason));

        _entry.Reset();
        using (_entry.PushSequence())
        {
            try
            {
                _entry.WriteInteger(serialNumber);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"serial {Convert.ToHexString(serialNumber)} is not a minimally encoded INTEGER", nameof(serialNumber));
            }
            WriteTime(_entry, CertificateTimes.TruncateToSeconds(revokedAt));
            // RFC 5280 §5.3.1: "the reason code CRL entry extension SHOULD be absent instead of using the unspecified (0)
            // reasonCode value". The enum values are the RFC's codes.
            if (reason != RevocationReason.Unspecified)
            {
                using (_entry.PushSequence())
                using (_entry.PushSequence())
                {
                    _entry.WriteObjectIdentifier("2.5.29.21");
                    using (_entry.PushOctetString())
                        _entry.WriteEnumeratedValue((X509RevocationReason)(int)reason);
                }
            }
        }
        Span<byte> encoded = stackalloc byte[96];
        _entries.Write(encoded[.._entry.Encode(encoded)]);
        Count++;
    }

    /// <summary>Signs the CRL with the CA key.</summary>
    /// <param name="crlNumber">Monotonically increasing per CA (RFC 5280 §5.2.3); the caller persists it.</param>
    /// <returns>The DER-encoded CertificateList, readable until this writer is disposed.</returns>
    public SignedCrl Finish(long crlNumber)
    {
        // RFC 5280 §5.2.3: a non-negative integer (the 20-octet limit is far beyond a long).
        ArgumentOutOfRangeException.ThrowIfNegative(crlNumber);
        // Version 2 with authorityKeyIdentifier and cRLNumber, both of which RFC 5280 §5.2.1 and §5.2.3 require of
        // conforming CRL issuers; the issuer field is the CA's subject (§5.1.2.3).
        var algorithm = _ca.SignatureGenerator.GetSignatureAlgorithmIdentifier(_ca.HashAlgorithm);
        var head = new AsnWriter(AsnEncodingRules.DER);
        head.WriteInteger(1);
        head.WriteEncodedValue(algorithm);
        head.WriteEncodedValue(_ca.Certificate.SubjectName.RawData);
        WriteTime(head, _thisUpdate);
        WriteTime(head, _nextUpdate);
        var tail = new AsnWriter(AsnEncodingRules.DER);
        using (tail.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
        using (tail.PushSequence())
        {
            tail.WriteEncodedValue(Extension("2.5.29.35", CaAuthorityKeyIdentifier.For(_ca.Certificate).RawData));
            var number = new AsnWriter(AsnEncodingRules.DER);
            number.WriteInteger(crlNumber);
            tail.WriteEncodedValue(Extension("2.5.29.20", number.Encode()));
        }

        // RFC 5280 §5.1.2.6: with no revoked certificates the list is absent, not empty.
        var entriesHeader = _entries.Length == 0 ? [] : Header(0x30, _entries.Length);
        var tailBytes = tail.Encode();
        var tbsContent = head.GetEncodedLength() + entriesHeader.Length + _entries.Length + tailBytes.Length;
        var tbsHeader = Header(0x30, tbsContent);
        var tbsHead = new byte[tbsHeader.Length + head.GetEncodedLength() + entriesHeader.Length];
        tbsHeader.CopyTo(tbsHead, 0);
        head.Encode(tbsHead.AsSpan(tbsHeader.Length));
        entriesHeader.CopyTo(tbsHead, tbsHead.Length - entriesHeader.Length);

        var signature = _ca.SignDigest(Digest(tbsHead, tailBytes));
        // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 §5.1.1).
        var bitString = 1 + signature.Length;
        var tbsLength = tbsHead.Length + _entries.Length + tailBytes.Length;
        var outer = Header(0x30, tbsLength + algorithm.Length + HeaderLength(bitString) + bitString);
        byte[] crlHead = [.. outer, .. tbsHead];
        // The bit string has no unused bits (X.690 §8.6.2.2).
        byte[] crlTail = [.. tailBytes, .. algorithm, .. Header(0x03, bitString), 0, .. signature];
        return new SignedCrl(crlHead, _entries, crlTail);
    }

    public void Dispose() => _entries.Dispose();

    /// <summary>The CA's hash over the TBSCertList: its head, the entries read back in 64 KiB pieces, its tail.</summary>
    private byte[] Digest(byte[] tbsHead, byte[] tbsTail)
    {
        using var hash = IncrementalHash.CreateHash(_ca.HashAlgorithm);
        hash.AppendData(tbsHead);
        var piece = new byte[64 * 1024];
        for (long at = 0; at < _entries.Length;)
        {
            var read = _entries.Read(at, piece);
            hash.AppendData(piece, 0, read);
            at += read;
        }
        hash.AppendData(tbsTail);
        return hash.GetHashAndReset();
    }

    private static byte[] Extension(string oid, byte[] value)
    {
        // Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE (omitted), extnValue OCTET STRING } (RFC 5280 §4.1).
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteOctetString(value);
        }
        return writer.Encode();
    }

    /// <summary>RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050.</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset value)
    {
        if (value.UtcDateTime.Year is >= 1950 and < 2050)
            writer.WriteUtcTime(value, 2049);
        else
            writer.WriteGeneralizedTime(value, omitFractionalSeconds: true);
    }

    private static int HeaderLength(long contentLength) => 1 + LengthOctets(contentLength);

    private static int LengthOctets(long length) => length switch
    {
        < 0x80 => 1,
        <= 0xFF => 2,
        <= 0xFFFF => 3,
        <= 0xFFFFFF => 4,
        _ => 5,
    };

    /// <summary>The tag and the DER definite length (X.690 §8.1.3) of a value of <paramref name="contentLength"/> octets.</summary>
    private static byte[] Header(byte tag, long contentLength)
    {
        var octets = LengthOctets(contentLength);
        var header = new byte[1 + octets];
        header[0] = tag;
        if (octets == 1)
        {
            header[1] = (byte)contentLength;
            return header;
        }
        header[1] = (byte)(0x80 | (octets - 1));
        for (var i = octets - 1; i >= 1; i--)
        {
            header[1 + i] = (byte)contentLength;
            contentLength >>= 8;
        }
        return header;
    }

    private static void EnsureMaySignCrls(X509Certificate2 ca)
    {
        // RFC 5280 §4.2.1.3: a key that signs CRLs must assert cRLSign when keyUsage is present; relying parties
        // (openssl among them) reject a CRL whose issuer lacks it.
        var keyUsage = ca.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is not null && !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign))
            throw new InvalidOperationException($"CA certificate '{ca.Subject}' may not sign CRLs (no cRLSign key usage)");
    }
}
