using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

/// <summary>RFC 5280 §7.1 / RFC 4518: names compare after string preparation, not as DER.</summary>
public sealed class DistinguishedNameComparerTests
{
    /// <summary>A Name with the given (OID, string type, value) RDNs, encoded exactly so.</summary>
    internal static X500DistinguishedName Name(params (string Oid, UniversalTagNumber Type, string Value)[] rdns)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var (oid, type, value) in rdns)
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteCharacterString(type, value);
                }
            }
        }
        return new X500DistinguishedName(writer.Encode());
    }

    private const string Cn = "2.5.4.3";
    private const string O = "2.5.4.10";

    [Fact]
    public void Utf8StringAndPrintableString_SameText_AreEqual()
    {
        var openssl = Name((Cn, UniversalTagNumber.UTF8String, "device-42"));
        var strongswan = Name((Cn, UniversalTagNumber.PrintableString, "device-42"));
        Assert.False(openssl.RawData.AsSpan().SequenceEqual(strongswan.RawData));
        Assert.Null(DistinguishedNameComparer.Difference(openssl, strongswan));
    }

    [Fact]
    public void BmpString_CaseAndInsignificantSpaces_AreEqual()
    {
        var a = Name((O, UniversalTagNumber.BMPString, "  Acme   Plant  "), (Cn, UniversalTagNumber.UTF8String, "Device-42"));
        var b = Name((O, UniversalTagNumber.PrintableString, "acme plant"), (Cn, UniversalTagNumber.PrintableString, "DEVICE-42"));
        Assert.True(DistinguishedNameComparer.Equal(a, b));
    }

    [Fact]
    public void DifferentValue_ShowsTheRealDifference()
    {
        var a = Name((Cn, UniversalTagNumber.UTF8String, "device-42"));
        var b = Name((Cn, UniversalTagNumber.PrintableString, "device-43"));
        Assert.Equal("CN 'device-42' vs 'device-43'", DistinguishedNameComparer.Difference(a, b));
    }

    [Fact]
    public void SameAttributesInAnotherOrder_AreDifferentNames()
    {
        var a = Name((O, UniversalTagNumber.UTF8String, "Acme"), (Cn, UniversalTagNumber.UTF8String, "d"));
        var b = Name((Cn, UniversalTagNumber.UTF8String, "d"), (O, UniversalTagNumber.UTF8String, "Acme"));
        var difference = DistinguishedNameComparer.Difference(a, b);
        Assert.NotNull(difference);
        Assert.Contains("'O, CN' vs 'CN, O'", difference);
    }

    [Fact]
    public void AnExtraAttribute_IsADifference()
    {
        var a = Name((Cn, UniversalTagNumber.UTF8String, "d"));
        var b = Name((O, UniversalTagNumber.UTF8String, "Acme"), (Cn, UniversalTagNumber.UTF8String, "d"));
        Assert.False(DistinguishedNameComparer.Equal(a, b));
    }

    [Fact]
    public void InnerSpaceRuns_CollapseButASpaceStillSeparatesWords()
    {
        Assert.True(NamePreparation.Equal("Acme  Plant", "acme plant"));
        Assert.False(NamePreparation.Equal("Acme Plant", "AcmePlant"));
        Assert.True(NamePreparation.Equal("ﬁeld\u00AD-1", "field-1"));
    }
}
