using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EstPortal.Tests.Hostile;

/// <summary>How a hostile case authenticates.</summary>
public enum HostileAuth
{
    Device,
    None,
    Raw,
}

/// <summary>One bad EST request and the answers that are acceptable for it (all 4xx).</summary>
public sealed record HostileCase(string Name, byte[] Body, int[] Expected, string? ContentType = "application/pkcs10",
    HostileAuth Auth = HostileAuth.Device, string? RawAuthorization = null, string Path = "/.well-known/est/simpleenroll")
{
    public override string ToString() => Name;
}

/// <summary>
/// The corpus of bad EST requests (issue: hostile input). Built deterministically in code — keys and CSRs are made
/// fresh, the malformed encodings are fixed byte patterns — so every run sends the same kinds of damage.
/// </summary>
public static class HostileCorpus
{
    private static readonly int[] BadRequest = [400];
    private static readonly int[] Unauthorized = [401];

    public static IEnumerable<HostileCase> All()
    {
        var good = ValidCsrDer("CN=hostile");
        yield return new("empty body", [], BadRequest);
        yield return new("truncated base64", Ascii(Convert.ToBase64String(good)[..37]), BadRequest);
        yield return new("garbage that is not base64", Ascii("this is !!! not base64 @@@"), BadRequest);
        yield return new("valid base64 of garbage", Ascii(Convert.ToBase64String(Encoding.UTF8.GetBytes("hello, I am not a CSR"))), BadRequest);
        yield return new("NUL bytes", new byte[64], BadRequest);
        yield return new("DER with a wrong outer tag", Mutate(good, d => d[0] = 0x31), BadRequest);
        yield return new("DER whose length runs past the end", Mutate(good, d => d[2] = 0xFF), BadRequest);
        yield return new("DER with trailing bytes", [.. good, 0x00, 0x01], BadRequest);
        yield return new("DER cut in half", good[..(good.Length / 2)], BadRequest);
        yield return new("deeply nested ASN.1 (4000 levels)", Nested(4000), BadRequest);
        yield return new("PEM with another label", Ascii(PemEncoding.WriteString("PRIVATE KEY", good)), BadRequest);
        yield return new("CSR whose signature does not verify", Mutate(good, d => d[^2] ^= 0x5A), BadRequest);
        yield return new("RSA-512 key", RsaCsr(512), BadRequest);
        yield return new("RSA-1024 key", RsaCsr(1024), BadRequest);
        yield return new("unsupported curve secp256k1", CurveCsr(ECCurve.CreateFromFriendlyName("secp256k1")), BadRequest);
        yield return new("P-521 (not allowed by the default policy)", CurveCsr(ECCurve.NamedCurves.nistP521), BadRequest);
        yield return new("duplicate subjectAltName extensions", DuplicateExtensionCsr(), BadRequest);
        yield return new("2000 subjectAltNames", ManySansCsr(2000), BadRequest);
        yield return new("invalid UTF-8 in the subject", InvalidUtf8SubjectCsr(), BadRequest);
        yield return new("wrong Content-Type", Ascii(Convert.ToBase64String(good)), [415], ContentType: "application/json");
        yield return new("missing Content-Type with garbage", Ascii("garbage"), BadRequest, ContentType: null);
        yield return new("10 MB body", new byte[10 * 1024 * 1024], [413]);
        yield return new("no credentials", Ascii(Convert.ToBase64String(good)), Unauthorized, Auth: HostileAuth.None);
        yield return new("Basic with control characters in the user name", Ascii(Convert.ToBase64String(good)), Unauthorized,
            Auth: HostileAuth.Raw, RawAuthorization: "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("dev\u0007\u0000ice:secret")));
        yield return new("Basic with a 16 KB user name", Ascii(Convert.ToBase64String(good)), Unauthorized,
            Auth: HostileAuth.Raw, RawAuthorization: "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('u', 16 * 1024) + ":x")));
        yield return new("Basic that is not base64", Ascii(Convert.ToBase64String(good)), Unauthorized, Auth: HostileAuth.Raw, RawAuthorization: "Basic %%%");
        yield return new("Basic with invalid UTF-8", Ascii(Convert.ToBase64String(good)), Unauthorized,
            Auth: HostileAuth.Raw, RawAuthorization: "Basic " + Convert.ToBase64String([0xFF, 0xFE, (byte)':', 0xC3, 0x28]));
        // 403, not 401: no HTTP scheme can authenticate a re-enrollment (RFC 7030 §4.2.2), so there is nothing to challenge for.
        yield return new("re-enrollment without a client certificate", Ascii(Convert.ToBase64String(good)), [403],
            Path: "/.well-known/est/simplereenroll");
        yield return new("serverkeygen with garbage", Ascii("garbage"), BadRequest, Path: "/.well-known/est/serverkeygen");
    }

    public static byte[] ValidCsrDer(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Mutate(byte[] der, Action<byte[]> change)
    {
        var copy = der.ToArray();
        change(copy);
        return copy;
    }

    private static byte[] Nested(int depth)
    {
        var inner = new byte[] { 0x05, 0x00 };
        for (var i = 0; i < depth; i++)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
                writer.WriteEncodedValue(inner);
            inner = writer.Encode();
        }
        return inner;
    }

    private static byte[] RsaCsr(int bits)
    {
        using var key = RSA.Create(bits);
        return new CertificateRequest("CN=rsa-weak", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
    }

    private static byte[] CurveCsr(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return new CertificateRequest("CN=odd-curve", key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static byte[] DuplicateExtensionCsr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=dup", key, HashAlgorithmName.SHA256);
        var a = new SubjectAlternativeNameBuilder();
        a.AddDnsName("a.example");
        var b = new SubjectAlternativeNameBuilder();
        b.AddDnsName("b.example");
        request.CertificateExtensions.Add(a.Build());
        request.CertificateExtensions.Add(b.Build());
        return request.CreateSigningRequest();
    }

    private static byte[] ManySansCsr(int count)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=many", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        for (var i = 0; i < count; i++)
            san.AddDnsName($"n{i}.example");
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }

    private static byte[] InvalidUtf8SubjectCsr()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("2.5.4.3");
            // A UTF8String whose content is not UTF-8 (0xC3 0x28 is an invalid two-byte sequence).
            writer.WriteEncodedValue([0x0C, 0x03, 0xC3, 0x28, 0x41]);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(new X500DistinguishedName(writer.Encode()), key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }
}
