using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Bench.Load;

/// <summary>
/// Certificates for the OCSP phase: enrolled over EST, a share of them revoked in the database, and for
/// each one the GET path a relying party would fetch (RFC 6960 A.1: one CertID with SHA-1 hashes and no nonce, as
/// `openssl ocsp` and RFC 5019 clients send).
/// </summary>
internal sealed record OcspFleet(IReadOnlyList<string> Paths, IReadOnlyList<bool> Revoked)
{
    public static async Task<OcspFleet> CreateAsync(AppUnderTest server, string[] csrs, int certificates, int revoked)
    {
        var serials = new byte[certificates][];
        using (var client = server.CreateClients(8, newConnectionPerRequest: false)[0])
        {
            await Parallel.ForAsync(0, certificates, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
                serials[i] = await EnrollAsync(client, server.Devices[i % server.Devices.Count], csrs[i]));
        }
        await server.RevokeAsync(serials.Take(revoked).Select(Convert.ToHexString).ToList());
        return new OcspFleet(serials.Select(s => "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(Request(server.Ca, s)))).ToList(),
            Enumerable.Range(0, certificates).Select(i => i < revoked).ToList());
    }

    /// <summary>The certStatus of the answer's first SingleResponse (RFC 6960 §4.2.1): 0 good, 1 revoked, 2 unknown; -1 unsuccessful.</summary>
    public static int StatusOf(byte[] response)
    {
        var outer = new AsnReader(response, AsnEncodingRules.DER).ReadSequence();
        if (outer.ReadEnumeratedValue<OcspStatus>() != OcspStatus.Successful)
            return -1;
        var responseBytes = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        responseBytes.ReadObjectIdentifier();
        var basic = new AsnReader(responseBytes.ReadOctetString(), AsnEncodingRules.DER).ReadSequence();
        var tbs = basic.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            tbs.ReadEncodedValue(); // version
        tbs.ReadEncodedValue(); // responderID
        tbs.ReadEncodedValue(); // producedAt
        var single = tbs.ReadSequence().ReadSequence();
        single.ReadSequence(); // certID
        return single.PeekTag().TagValue;
    }

    private enum OcspStatus { Successful = 0 }

    private static async Task<byte[]> EnrollAsync(HttpClient client, (string Name, string Secret) device, string csr)
    {
        using var certificate = await EstEnrollment.EnrollAsync(client, device, csr);
        return certificate.SerialNumberBytes.ToArray();
    }

    /// <summary>OCSPRequest { tbsRequest { requestList { Request { CertID } } } } (RFC 6960 §4.1.1), SHA-1 as openssl sends.</summary>
    private static byte[] Request(X509Certificate2 issuer, byte[] serial)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.14.3.2.26");
                writer.WriteNull();
            }
            writer.WriteOctetString(SHA1.HashData(issuer.SubjectName.RawData));
            writer.WriteOctetString(SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData));
            writer.WriteInteger(serial);
        }
        return writer.Encode();
    }
}
