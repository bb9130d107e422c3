using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public sealed class ChangeSubjectNameAttributeTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X500DistinguishedName _newSubject = new("CN=renamed-device, O=Example");
    private readonly X509Extension _newSan = TestPki.DnsSan("renamed.example", "alias.example");

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Read_NoAttribute_IsNull()
    {
        Assert.Null(ChangeSubjectNameAttribute.Read(TestPki.Csr(_key)));
    }

    [Fact]
    public void Read_SubjectAndSubjectAlt_GivesDerComparableWithACertificate()
    {
        var csr = CsrWith(Value(w =>
        {
            w.WriteEncodedValue(_newSubject.RawData);
            w.WriteEncodedValue(_newSan.RawData);
        }));

        var change = ChangeSubjectNameAttribute.Read(csr);

        Assert.NotNull(change);
        Assert.Equal(_newSubject.RawData, change.SubjectDer);
        Assert.Equal(_newSan.RawData, change.SubjectAltNamesDer);
        Assert.Equal("CN=renamed-device, O=Example", change.Subject!.Name);
        Assert.Equal(
            ["renamed.example", "alias.example"],
            new X509SubjectAlternativeNameExtension(change.SubjectAlternativeNameExtension!.RawData).EnumerateDnsNames());
    }

    [Fact]
    public void Read_SubjectOnly_LeavesSubjectAltUnchanged()
    {
        var change = ChangeSubjectNameAttribute.Read(CsrWith(Value(w => w.WriteEncodedValue(_newSubject.RawData))));

        Assert.Equal(_newSubject.RawData, change!.SubjectDer);
        Assert.Null(change.SubjectAltNamesDer);
    }

    [Fact]
    public void Read_UntaggedSubjectAltOnly_IsRecognisedAsGeneralNames()
    {
        var change = ChangeSubjectNameAttribute.Read(CsrWith(Value(w => w.WriteEncodedValue(_newSan.RawData))));

        Assert.Null(change!.SubjectDer);
        Assert.Equal(_newSan.RawData, change.SubjectAltNamesDer);
    }

    [Fact]
    public void Read_Erratum3943TaggedSubjectAlt_IsReturnedAsPlainGeneralNames()
    {
        // RFC 6402 erratum 3943: subjectAlt [1] (implicit) so it can be told apart from subject.
        var tagged = (byte[])_newSan.RawData.Clone();
        tagged[0] = 0xA1;

        var change = ChangeSubjectNameAttribute.Read(CsrWith(Value(w =>
        {
            w.WriteEncodedValue(_newSubject.RawData);
            w.WriteEncodedValue(tagged);
        })));

        Assert.Equal(_newSubject.RawData, change!.SubjectDer);
        Assert.Equal(_newSan.RawData, change.SubjectAltNamesDer);
    }

    [Fact]
    public void Read_EmptySequence_IsRejectedBecauseItAsksForNothing()
    {
        var ex = Assert.Throws<CsrRejectedException>(() => ChangeSubjectNameAttribute.Read(CsrWith(Value(_ => { }))));
        Assert.Contains("neither", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("020105")] // INTEGER, not a SEQUENCE
    [InlineData("3003020105")] // SEQUENCE { INTEGER }
    [InlineData("30053003020105")] // SEQUENCE { SEQUENCE { INTEGER } }: neither a Name nor GeneralNames
    [InlineData("300430023100")] // subject with an empty RDN
    [InlineData("3004a1023000")] // [1] GeneralNames holding a SEQUENCE instead of a GeneralName
    [InlineData("30083004820261623000")] // subject after subjectAlt (fields out of order)
    public void Read_MalformedValue_IsRejectedWithAReason(string hex)
    {
        var ex = Assert.Throws<CsrRejectedException>(
            () => ChangeSubjectNameAttribute.Read(CsrWith(Convert.FromHexString(hex))));
        Assert.Contains("changeSubjectName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AttributeTwice_IsRejected()
    {
        var value = Value(w => w.WriteEncodedValue(_newSubject.RawData));
        var csr = TestPki.Csr(_key, extend: request =>
        {
            request.OtherRequestAttributes.Add(new AsnEncodedData(ChangeSubjectNameAttribute.Oid, value));
            request.OtherRequestAttributes.Add(new AsnEncodedData(ChangeSubjectNameAttribute.Oid, value));
        });

        Assert.Throws<CsrRejectedException>(() => ChangeSubjectNameAttribute.Read(csr));
    }

    private CertificateRequest CsrWith(byte[] attributeValue)
    {
        // Built and then loaded the way a device's request arrives (CsrLoader verifies and parses it).
        return TestPki.Csr(_key, "CN=device-1", request =>
            request.OtherRequestAttributes.Add(new AsnEncodedData(ChangeSubjectNameAttribute.Oid, attributeValue)));
    }

    private static byte[] Value(Action<AsnWriter> contents)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            contents(writer);
        }

        return writer.Encode();
    }
}
