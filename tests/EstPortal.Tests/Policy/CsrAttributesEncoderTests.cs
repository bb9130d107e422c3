using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Policy;

public sealed class CsrAttributesEncoderTests
{
    private const string P256 = "1.2.840.10045.3.1.7";
    private const string P384 = "1.3.132.0.34";
    private const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    private const string SubjectAltName = "2.5.29.17";
    private const string KeyUsage = "2.5.29.15";
    private const string ExtKeyUsage = "2.5.29.37";

    [Fact]
    public void Encode_NothingRequested_IsAnEmptySequence()
    {
        Assert.Equal([0x30, 0x00], CsrAttributesEncoder.Encode(new CsrAttributesRequest()));
    }

    [Fact]
    public void Encode_RsaKeySizeRequirement_MatchesRfc9908Example()
    {
        // RFC 9908 example "Require a public key of a specific size": challengePassword, an rsaEncryption attribute
        // whose value is INTEGER 4096, and sha256WithRSAEncryption.
        var expected = Convert.FromHexString(
            "3029" + "06092A864886F70D010907" + "3011" + "06092A864886F70D010101" + "3104" + "02021000" +
            "06092A864886F70D01010B");

        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest
        {
            ChallengePassword = true,
            Key = CsrKeyRequirement.Rsa(4096),
            SignatureAlgorithmOid = Sha256WithRsa,
        });

        Assert.Equal(expected, der);
    }

    [Fact]
    public void Encode_ClassicElements_DecodeInOrderAsOidsAndAttributes()
    {
        var san = TestSan();
        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest
        {
            ChallengePassword = true,
            Oids = ["1.3.6.1.1.1.1.22"],
            Key = CsrKeyRequirement.Ec(P384),
            Extensions = [san],
            SignatureAlgorithmOid = EcdsaWithSha384,
        });

        var items = Decode(der);

        Assert.Equal(
            ["oid 1.2.840.113549.1.9.7", "oid 1.3.6.1.1.1.1.22", "attr 1.2.840.10045.2.1", "attr 1.2.840.113549.1.9.14", "oid " + EcdsaWithSha384],
            items.Select(i => i.Describe()));
        Assert.Equal(P384, ReadOid(items[2].Values.Single()));

        // RFC 9908 §3.2: the extensionRequest values SET holds exactly one Extensions.
        var extensions = ReadExtensions(items[3].Values.Single());
        var (oid, critical, value) = Assert.Single(extensions);
        Assert.Equal(SubjectAltName, oid);
        Assert.False(critical);
        Assert.Equal(san.RawData, value);
    }

    [Fact]
    public void Encode_Rfc9908TemplateExample_HasTheStructureOfSection34()
    {
        // The example of RFC 9908 §3.4: subject with a CN to fill in and two given OUs, a P-256 key, a SAN with a
        // given DNS name and an IP address to fill in, a critical keyUsage, and an extKeyUsage to fill in.
        var san = SanWithEmptyIp("www.myServer.com");
        var keyUsage = new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true);

        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest
        {
            Key = CsrKeyRequirement.Ec(P256),
            Subject = [new("2.5.4.3"), new("2.5.4.11", "myDept"), new("2.5.4.11", "myGroup")],
            Extensions = [san, keyUsage],
            ExtensionsToFill = [ExtKeyUsage],
        });

        var expectedTemplate = new AsnWriter(AsnEncodingRules.DER);
        using (expectedTemplate.PushSequence())
        {
            expectedTemplate.WriteInteger(0);
            using (expectedTemplate.PushSequence())
            {
                Rdn(expectedTemplate, "2.5.4.3", null);
                Rdn(expectedTemplate, "2.5.4.11", "myDept");
                Rdn(expectedTemplate, "2.5.4.11", "myGroup");
            }

            using (expectedTemplate.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (expectedTemplate.PushSequence())
            {
                expectedTemplate.WriteObjectIdentifier("1.2.840.10045.2.1");
                expectedTemplate.WriteObjectIdentifier(P256);
            }

            using (expectedTemplate.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 1)))
            using (expectedTemplate.PushSequence())
            {
                expectedTemplate.WriteObjectIdentifier("1.2.840.113549.1.9.16.2.62");
                using (expectedTemplate.PushSetOf())
                using (expectedTemplate.PushSequence())
                {
                    using (expectedTemplate.PushSequence())
                    {
                        expectedTemplate.WriteObjectIdentifier(SubjectAltName);
                        expectedTemplate.WriteOctetString(san.RawData);
                    }

                    using (expectedTemplate.PushSequence())
                    {
                        expectedTemplate.WriteObjectIdentifier(KeyUsage);
                        expectedTemplate.WriteBoolean(true);
                        expectedTemplate.WriteOctetString([0x03, 0x02, 0x03, 0x88]); // '10001'B, 3 unused bits
                    }

                    using (expectedTemplate.PushSequence())
                    {
                        expectedTemplate.WriteObjectIdentifier(ExtKeyUsage);
                    }
                }
            }
        }

        var items = Decode(der);
        var template = items.Single(i => i.Oid == CsrAttributesEncoder.CertificationRequestInfoTemplateOid);
        Assert.Equal(expectedTemplate.Encode(), template.Values.Single());

        // Older clients still get the key type and the complete extensions the classic way.
        Assert.Contains(items, i => i.Describe() == "attr 1.2.840.10045.2.1");
        Assert.Equal([SubjectAltName, KeyUsage], ReadExtensions(items.Single(i => i.Oid == CsrAttributesEncoder.ExtensionRequestOid).Values.Single()).Select(e => e.Oid));
    }

    [Fact]
    public void Encode_TemplateWithCompleteExtensionsOnly_UsesExtensionRequestInsideIt()
    {
        // RFC 9908 §3.4: id-aa-extensionReqTemplate only when some value is left to the client; never both.
        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest { Extensions = [TestSan()], IncludeTemplate = true });

        var template = new AsnReader(Decode(der).Single(i => i.Oid == CsrAttributesEncoder.CertificationRequestInfoTemplateOid).Values.Single(), AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(BigInteger.Zero, template.ReadInteger());
        var attributes = template.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 1));
        template.ThrowIfNotEmpty();
        Assert.Equal(CsrAttributesEncoder.ExtensionRequestOid, attributes.ReadSequence().ReadObjectIdentifier());
        attributes.ThrowIfNotEmpty();
    }

    [Fact]
    public void Encode_RsaTemplate_CarriesAPlaceholderKeyOfTheRequiredModulusLength()
    {
        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest { Key = CsrKeyRequirement.Rsa(3072), IncludeTemplate = true });

        var template = new AsnReader(Decode(der).Single(i => i.Oid == CsrAttributesEncoder.CertificationRequestInfoTemplateOid).Values.Single(), AsnEncodingRules.DER).ReadSequence();
        template.ReadInteger();
        var spki = template.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        var algorithm = spki.ReadSequence();
        Assert.Equal(CsrAttributesEncoder.RsaEncryptionOid, algorithm.ReadObjectIdentifier());
        algorithm.ReadNull();
        var rsaPublicKey = new AsnReader(spki.ReadBitString(out _), AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(3072, rsaPublicKey.ReadInteger().GetBitLength());
        Assert.Equal(65537, (int)rsaPublicKey.ReadInteger());
    }

    [Fact]
    public void Encode_SubjectTemplateValues_UseTheStringTypeEachAttributeRequires()
    {
        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest
        {
            Subject = [new("2.5.4.6", "DE"), new("2.5.4.3", "Grüße")],
        });

        var template = new AsnReader(Decode(der).Single().Values.Single(), AsnEncodingRules.DER).ReadSequence();
        template.ReadInteger();
        var name = template.ReadSequence();
        var country = name.ReadSetOf().ReadSequence();
        country.ReadObjectIdentifier();
        Assert.Equal("DE", country.ReadCharacterString(UniversalTagNumber.PrintableString));
        var commonName = name.ReadSetOf().ReadSequence();
        commonName.ReadObjectIdentifier();
        Assert.Equal("Grüße", commonName.ReadCharacterString(UniversalTagNumber.UTF8String));
    }

    [Fact]
    public void Encode_SameExtensionTwice_IsRejected()
    {
        var request = new CsrAttributesRequest { Extensions = [TestSan()], ExtensionsToFill = [SubjectAltName] };

        var ex = Assert.Throws<ArgumentException>(() => CsrAttributesEncoder.Encode(request));
        Assert.Contains(SubjectAltName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_MalformedOid_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => CsrAttributesEncoder.Encode(new CsrAttributesRequest { Oids = ["not.an.oid"] }));
    }

    [RequiresToolFact("openssl")]
    public async Task Encode_FullPolicy_OpenSslParsesItAndShowsEveryOid()
    {
        var der = CsrAttributesEncoder.Encode(new CsrAttributesRequest
        {
            ChallengePassword = true,
            Key = CsrKeyRequirement.Ec(P384),
            Extensions = [TestSan()],
            ExtensionsToFill = [ExtKeyUsage],
            Subject = [new("2.5.4.3")],
            SignatureAlgorithmOid = EcdsaWithSha384,
        });

        var result = await ExternalTool.RunWithBinaryStdinAsync(
            "openssl", ["asn1parse", "-inform", "DER", "-i"], der, ExternalTool.DefaultTimeout);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.DoesNotContain("Error", result.Stdout, StringComparison.OrdinalIgnoreCase);
        foreach (var name in new[]
        {
            "challengePassword", "id-ecPublicKey", "secp384r1", "Extension Request", "ecdsa-with-SHA384",
            "X509v3 Subject Alternative Name", "X509v3 Extended Key Usage", "commonName",
            "1.2.840.113549.1.9.16.2.61", "1.2.840.113549.1.9.16.2.62",
        })
        {
            Assert.Contains(name, result.Stdout, StringComparison.Ordinal);
        }
    }

    private static X509Extension TestSan()
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName("device.example");
        return builder.Build();
    }

    // RFC 9908 §3.4: an empty iPAddress asks the client to fill in its address.
    private static X509Extension SanWithEmptyIp(string dnsName)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, dnsName, new Asn1Tag(TagClass.ContextSpecific, 2));
            writer.WriteOctetString([], new Asn1Tag(TagClass.ContextSpecific, 7));
        }

        return new X509Extension(SubjectAltName, writer.Encode(), critical: false);
    }

    private static void Rdn(AsnWriter writer, string oid, string? value)
    {
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (value is not null)
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
            }
        }
    }

    /// <summary>CsrAttrs ::= SEQUENCE OF AttrOrOID, read back with the platform's ASN.1 reader.</summary>
    private static List<AttrOrOid> Decode(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var items = new List<AttrOrOid>();
        while (sequence.HasData)
        {
            if (sequence.PeekTag() == Asn1Tag.ObjectIdentifier)
            {
                items.Add(new AttrOrOid(sequence.ReadObjectIdentifier(), IsAttribute: false, []));
                continue;
            }

            var attribute = sequence.ReadSequence();
            var type = attribute.ReadObjectIdentifier();
            var set = attribute.ReadSetOf();
            attribute.ThrowIfNotEmpty();
            var values = new List<byte[]>();
            while (set.HasData)
            {
                values.Add(set.ReadEncodedValue().ToArray());
            }

            Assert.NotEmpty(values);
            items.Add(new AttrOrOid(type, IsAttribute: true, values));
        }

        return items;
    }

    private static string ReadOid(byte[] der) => new AsnReader(der, AsnEncodingRules.DER).ReadObjectIdentifier();

    private static List<(string Oid, bool Critical, byte[] Value)> ReadExtensions(byte[] extensionsDer)
    {
        var extensions = new AsnReader(extensionsDer, AsnEncodingRules.DER).ReadSequence();
        var result = new List<(string, bool, byte[])>();
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag() == Asn1Tag.Boolean && extension.ReadBoolean();
            result.Add((oid, critical, extension.ReadOctetString()));
            extension.ThrowIfNotEmpty();
        }

        return result;
    }

    private sealed record AttrOrOid(string Oid, bool IsAttribute, List<byte[]> Values)
    {
        public string Describe() => (IsAttribute ? "attr " : "oid ") + Oid;
    }
}
