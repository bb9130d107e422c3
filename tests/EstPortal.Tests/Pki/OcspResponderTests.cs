using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509.Extension;
using static EstPortal.Tests.Pki.OcspTestRequests;
using OcspResponseStatus = EstPortal.Pki.OcspResponseStatus;

namespace EstPortal.Tests.Pki;

public sealed class OcspResponderTests : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromMinutes(30);

    private readonly FakeTimeProvider _clock = TestPki.Clock();
    private readonly SoftwareCaSigner _ca;
    private readonly OcspResponder _responder;
    private readonly byte[] _serial = new SerialNumberGenerator(TimeProvider.System).Next();
    private readonly List<CertificateIdentifier> _lookups = [];

    public OcspResponderTests()
    {
        _ca = TestPki.CreateCa(_clock);
        _responder = new OcspResponder(_clock, Validity);
        _clock.Advance(TimeSpan.FromMilliseconds(600));
    }

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void Respond_GoodCertificate_IsSignedByCaByKeyWithTimesFromClock()
    {
        var result = _responder.Respond(Build(_ca.Certificate, _serial), [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.Successful, result.Status);
        var basic = VerifiedBasic(result.ResponseDer, _ca.Certificate);
        var single = Assert.Single(basic.Responses);
        Assert.Null(single.GetCertStatus()); // BouncyCastle's "good"
        Assert.Equal(CertId(_ca.Certificate, _serial), single.GetCertID());
        Assert.Equal(TestPki.Now.UtcDateTime, basic.ProducedAt); // whole seconds
        Assert.Equal(TestPki.Now.UtcDateTime, single.ThisUpdate);
        Assert.Equal((TestPki.Now + Validity).UtcDateTime, single.NextUpdate);
        Assert.Equal(TestPki.Now + Validity, result.NextUpdate);
        var keyHash = SHA1.HashData(_ca.Certificate.PublicKey.EncodedKeyValue.RawData);
        Assert.Equal(keyHash, basic.ResponderId.ToAsn1Object().GetKeyHash());
        Assert.Equal(_ca.Certificate.RawData, Assert.Single(basic.GetCerts()).GetEncoded());
        Assert.Equal(_ca.Certificate.SignatureAlgorithm.Value, basic.SignatureAlgorithm.Algorithm.Id);

        var lookup = Assert.Single(_lookups);
        Assert.Same(_ca, lookup.Issuer);
        Assert.Equal(Convert.ToHexString(_serial), lookup.SerialHex);
    }

    [Fact]
    public void Respond_RevokedCertificate_CarriesTimeAndReason()
    {
        var revokedAt = TestPki.Now.AddDays(-2).AddMilliseconds(250);

        var result = _responder.Respond(Build(_ca.Certificate, _serial), [_ca],
            Lookup(CertificateStatusInfo.Revoked(revokedAt, RevocationReason.KeyCompromise)));

        var status = Assert.IsType<RevokedStatus>(Assert.Single(VerifiedBasic(result.ResponseDer, _ca.Certificate).Responses).GetCertStatus());
        Assert.Equal(TestPki.Now.AddDays(-2).UtcDateTime, status.RevocationTime);
        Assert.True(status.HasRevocationReason);
        Assert.Equal(CrlReason.KeyCompromise, status.RevocationReason);
    }

    [Fact]
    public void Respond_RevokedForUnspecifiedReason_OmitsTheReason()
    {
        var result = _responder.Respond(Build(_ca.Certificate, _serial), [_ca],
            Lookup(CertificateStatusInfo.Revoked(TestPki.Now.AddDays(-1))));

        var status = Assert.IsType<RevokedStatus>(Assert.Single(VerifiedBasic(result.ResponseDer, _ca.Certificate).Responses).GetCertStatus());
        Assert.False(status.HasRevocationReason);
    }

    [Fact]
    public void Respond_SerialTheStoreDoesNotKnow_IsUnknown()
    {
        var result = _responder.Respond(Build(_ca.Certificate, _serial), [_ca], Lookup(CertificateStatusInfo.Unknown));

        Assert.IsType<UnknownStatus>(Assert.Single(VerifiedBasic(result.ResponseDer, _ca.Certificate).Responses).GetCertStatus());
    }

    [Theory]
    [InlineData(Sha1)]
    [InlineData(Sha256)]
    [InlineData("2.16.840.1.101.3.4.2.2")]
    public void Respond_CertIdHashAlgorithm_IsMatchedAndEchoed(string hashOid)
    {
        var result = _responder.Respond(Build(_ca.Certificate, _serial, hashOid), [_ca], Lookup(CertificateStatusInfo.Good));

        var single = Assert.Single(VerifiedBasic(result.ResponseDer, _ca.Certificate).Responses);
        Assert.Equal(hashOid, single.GetCertID().HashAlgOid);
        Assert.Null(single.GetCertStatus());
        Assert.Single(_lookups);
    }

    [Fact]
    public void Respond_SeveralCas_TheIssuingCaSigns()
    {
        using var other = TestPki.CreateCa(_clock, CaKeyAlgorithm.Rsa2048, subject: "CN=Other CA");

        var result = _responder.Respond(Build(other.Certificate, _serial), [_ca, other], Lookup(CertificateStatusInfo.Good));

        VerifiedBasic(result.ResponseDer, other.Certificate);
        Assert.Same(other, Assert.Single(_lookups).Issuer);
    }

    [Fact]
    public void Respond_SameNameDifferentKey_IsNotOurCa()
    {
        using var impostor = TestPki.CreateCa(_clock, subject: "CN=Test Root CA");

        var result = _responder.Respond(Build(impostor.Certificate, _serial), [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.Unauthorized, result.Status);
        Assert.Empty(_lookups);
    }

    [Fact]
    public void Respond_UnknownIssuer_IsUnauthorizedWithoutBody()
    {
        using var foreign = TestPki.CreateCa(_clock, subject: "CN=Someone Else's CA");

        var result = _responder.Respond(Build(foreign.Certificate, _serial), [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.Unauthorized, result.Status);
        Assert.Null(result.NextUpdate);
        var response = new OcspResp(result.ResponseDer);
        Assert.Equal(OcspRespStatus.Unauthorized, response.Status);
        Assert.Null(response.GetResponseObject());
        Assert.Empty(_lookups);
    }

    [Fact]
    public void Respond_MixedIssuers_OursAnsweredForeignUnknown()
    {
        using var foreign = TestPki.CreateCa(_clock, subject: "CN=Someone Else's CA");
        var foreignSerial = new SerialNumberGenerator(TimeProvider.System).Next();

        var result = _responder.Respond(
            Build([CertId(foreign.Certificate, foreignSerial), CertId(_ca.Certificate, _serial)]),
            [_ca],
            Lookup(CertificateStatusInfo.Revoked(TestPki.Now.AddHours(-1), RevocationReason.Superseded)));

        var responses = VerifiedBasic(result.ResponseDer, _ca.Certificate).Responses;
        Assert.Equal(2, responses.Length);
        Assert.IsType<UnknownStatus>(responses[0].GetCertStatus());
        Assert.IsType<RevokedStatus>(responses[1].GetCertStatus());
        Assert.Equal(Convert.ToHexString(_serial), Assert.Single(_lookups).SerialHex);
    }

    [Fact]
    public void Respond_Nonce_IsEchoed()
    {
        var nonce = RandomNumberGenerator.GetBytes(16);

        var result = _responder.Respond(Build(_ca.Certificate, _serial, nonce: nonce), [_ca], Lookup(CertificateStatusInfo.Good));

        var basic = VerifiedBasic(result.ResponseDer, _ca.Certificate);
        var echoed = X509ExtensionUtilities.FromExtensionValue(basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce));
        Assert.Equal(nonce, Asn1OctetString.GetInstance(echoed).GetOctets());
    }

    [Fact]
    public void Respond_NoNonce_ResponseHasNone()
    {
        var result = _responder.Respond(Build(_ca.Certificate, _serial), [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Null(VerifiedBasic(result.ResponseDer, _ca.Certificate).ResponseExtensions);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void Respond_NonceOutsideRfc8954Bounds_IsMalformed(int length)
    {
        var result = _responder.Respond(
            Build(_ca.Certificate, _serial, nonce: new byte[length]), [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.MalformedRequest, result.Status);
        Assert.Empty(_lookups);
    }

    [Fact]
    public void Respond_MoreCertIdsThanTheLimit_IsMalformedWithoutAnyLookup_TheLimitItselfIsAnswered()
    {
        var responder = new OcspResponder(_clock, Validity, maxCertIds: 3);
        IEnumerable<CertificateID> Ids(int count) => Enumerable.Range(1, count).Select(i => CertId(_ca.Certificate, [0x10, (byte)i]));

        var tooMany = responder.Respond(Build(Ids(4)), [_ca], Lookup(CertificateStatusInfo.Good));
        Assert.Empty(_lookups);
        var atLimit = responder.Respond(Build(Ids(3)), [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.MalformedRequest, tooMany.Status);
        Assert.Equal(OcspRespStatus.MalformedRequest, new OcspResp(tooMany.ResponseDer).Status);
        Assert.Contains("at most 3", tooMany.Detail);
        Assert.Equal(3, VerifiedBasic(atLimit.ResponseDer, _ca.Certificate).Responses.Length);
    }

    [Fact]
    public void Read_Keepable_OnlyOneCertIdWithoutNonce()
    {
        var single = _responder.Read(Build(_ca.Certificate, _serial), [_ca]);
        var withNonce = _responder.Read(Build(_ca.Certificate, _serial, nonce: [1, 2, 3]), [_ca]);
        var two = _responder.Read(Build([CertId(_ca.Certificate, _serial), CertId(_ca.Certificate, [0x01])]), [_ca]);
        var foreign = _responder.Read(Build(_ca.Certificate, _serial), []);

        Assert.True(single.Keepable);
        // RFC 8954: the nonce must come back in a signature made for this request.
        Assert.False(withNonce.Keepable);
        Assert.False(two.Keepable);
        Assert.False(foreign.Keepable);
        Assert.Empty(_lookups);
    }

    public static TheoryData<byte[]> MalformedRequests => new()
    {
        Array.Empty<byte>(),
        "not DER at all"u8.ToArray(),
        new byte[] { 0x30, 0x03, 0x30, 0x01, 0x30 },
        new byte[] { 0x30, 0x82, 0xFF, 0xFF },
        new byte[] { 0x30, 0x04, 0x30, 0x02, 0x30, 0x00 }, // empty requestList
        new byte[] { 0x04, 0x02, 0x30, 0x00 },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void Respond_MalformedRequest_IsMalformedRequestStatusNotAnException(byte[] der)
    {
        var result = _responder.Respond(der, [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.MalformedRequest, result.Status);
        Assert.NotNull(result.Detail);
        Assert.Equal(OcspRespStatus.MalformedRequest, new OcspResp(result.ResponseDer).Status);
    }

    [Fact]
    public void Respond_TruncatedValidRequest_IsMalformed()
    {
        var der = Build(_ca.Certificate, _serial);

        var result = _responder.Respond(der[..^3], [_ca], Lookup(CertificateStatusInfo.Good));

        Assert.Equal(OcspResponseStatus.MalformedRequest, result.Status);
    }

    [Fact]
    public void Respond_LookupFails_ExceptionReachesTheCaller()
    {
        Assert.Throws<TimeoutException>(() =>
            _responder.Respond(Build(_ca.Certificate, _serial), [_ca], _ => throw new TimeoutException("database")));
    }

    [Theory]
    [InlineData(OcspResponseStatus.InternalError, OcspRespStatus.InternalError)]
    [InlineData(OcspResponseStatus.TryLater, OcspRespStatus.TryLater)]
    public void Unsuccessful_IsBareStatus(OcspResponseStatus status, int expected)
    {
        var response = new OcspResp(OcspResponder.Unsuccessful(status));

        Assert.Equal(expected, response.Status);
        Assert.Null(response.GetResponseObject());
    }

    [Fact]
    public void Unsuccessful_Successful_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OcspResponder.Unsuccessful(OcspResponseStatus.Successful));
    }

    private Func<CertificateIdentifier, CertificateStatusInfo> Lookup(CertificateStatusInfo answer) => id =>
    {
        _lookups.Add(id);
        return answer;
    };
}
