using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Tests.Support;

/// <summary>A device's key pair and PKCS#10 request, made the way a device would make them.</summary>
public sealed class TestCsr
{
    private TestCsr(AsymmetricAlgorithm key, byte[] der)
    {
        Key = key;
        Der = der;
    }

    public AsymmetricAlgorithm Key { get; }
    public byte[] Der { get; }
    public string Base64 => Convert.ToBase64String(Der);
    public string Base64Wrapped => Convert.ToBase64String(Der, Base64FormattingOptions.InsertLineBreaks);
    public string Pem => PemEncoding.WriteString("CERTIFICATE REQUEST", Der);

    public static TestCsr Create(string subject = "CN=device-1", string[]? dnsNames = null, ECDsa? key = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        AddSan(request, dnsNames);
        return new TestCsr(key, request.CreateSigningRequest());
    }

    /// <summary>
    /// An EC P-256 CSR signed the way strongSwan 5.9.8's tpm plugin encodes a TPM's signature: r and s written at their
    /// full 32 octets (a 0x00 added only for the sign), so that one of them carries a leading zero octet X.690 §8.3.2
    /// forbids. Signs until that happens (about one signature in 256).
    /// </summary>
    public static TestCsr CreateWithPaddedSignature(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var unpadded = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var request = new System.Formats.Asn1.AsnReader(unpadded, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var info = request.ReadEncodedValue().ToArray();
        var algorithm = request.ReadEncodedValue().ToArray();
        for (var attempt = 0; attempt < 100_000; attempt++)
        {
            var signature = key.SignData(info, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            byte[] r = signature[..32], s = signature[32..];
            if (!IsPaddedWhenFull(r) && !IsPaddedWhenFull(s))
                continue;
            byte[] value = [.. FullWidthInteger(r), .. FullWidthInteger(s)];
            byte[] sequence = [0x30, (byte)value.Length, .. value];
            var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(info);
                writer.WriteEncodedValue(algorithm);
                writer.WriteBitString(sequence);
            }
            return new TestCsr(key, writer.Encode());
        }
        throw new InvalidOperationException("no signature with a leading zero octet in 100,000 attempts");

        static bool IsPaddedWhenFull(byte[] value) => value[0] == 0x00 && (value[1] & 0x80) == 0;
        static byte[] FullWidthInteger(byte[] value) => (value[0] & 0x80) != 0
            ? [0x02, (byte)(value.Length + 1), 0x00, .. value]
            : [0x02, (byte)value.Length, .. value];
    }

    /// <summary>A CSR carrying extra PKCS#10 attributes, e.g. challengePassword (RFC 2985 §5.4.1).</summary>
    public static TestCsr CreateWithAttributes(string subject, params AsnEncodedData[] attributes)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        foreach (var attribute in attributes)
            request.OtherRequestAttributes.Add(attribute);
        return new TestCsr(key, request.CreateSigningRequest());
    }

    public static AsnEncodedData ChallengePassword(string value)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.UTF8String, value);
        return new AsnEncodedData("1.2.840.113549.1.9.7", writer.Encode());
    }

    public static TestCsr CreateRsa(int bits, string subject = "CN=rsa-device")
    {
        var key = RSA.Create(bits);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new TestCsr(key, request.CreateSigningRequest());
    }

    /// <summary>The certificate we were issued, joined with our private key, for use as a TLS client certificate.</summary>
    public X509Certificate2 WithPrivateKey(X509Certificate2 issued)
    {
        using var joined = Key switch
        {
            ECDsa ec => issued.CopyWithPrivateKey(ec),
            RSA rsa => issued.CopyWithPrivateKey(rsa),
            _ => throw new NotSupportedException(),
        };
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(joined.Export(X509ContentType.Pkcs12), null);
    }

    private static void AddSan(CertificateRequest request, string[]? dnsNames)
    {
        if (dnsNames is null || dnsNames.Length == 0)
            return;
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            if (IPAddress.TryParse(name, out var ip))
                san.AddIpAddress(ip);
            else
                san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
    }
}
