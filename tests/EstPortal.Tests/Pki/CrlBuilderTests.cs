using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace EstPortal.Tests.Pki;

public sealed class CrlBuilderTests : IDisposable
{
    private static readonly DateTimeOffset ThisUpdate = TestPki.Now;
    private static readonly DateTimeOffset NextUpdate = TestPki.Now.AddDays(7);

    private readonly SoftwareCaSigner _ca = TestPki.CreateCa(TestPki.Clock());
    private readonly CrlBuilder _builder = new();

    public void Dispose() => _ca.Dispose();

    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256)]
    [InlineData(CaKeyAlgorithm.EcP384)]
    [InlineData(CaKeyAlgorithm.Rsa2048)]
    public void Build_IsVersion2CrlSignedByCaWithIssuerNumberAndTimes(CaKeyAlgorithm algorithm)
    {
        using var ca = TestPki.CreateCa(TestPki.Clock(), algorithm);

        var crl = Parse(_builder.Build(ca, 42, ThisUpdate.AddMilliseconds(750), NextUpdate, []));

        crl.Verify(BouncyCastlePublicKey(ca.Certificate));
        Assert.Equal(2, crl.Version);
        Assert.Equal(ca.Certificate.SubjectName.RawData, crl.IssuerDN.GetEncoded());
        Assert.Equal(ThisUpdate.UtcDateTime, crl.ThisUpdate); // truncated to whole seconds
        Assert.Equal(NextUpdate.UtcDateTime, crl.NextUpdate);
        Assert.Equal(ca.Certificate.SignatureAlgorithm.Value, crl.SigAlgOid);
        Assert.Equal(BigInteger.ValueOf(42), DerInteger.GetInstance(Extension(crl, X509Extensions.CrlNumber)).Value);
        var aki = AuthorityKeyIdentifier.GetInstance(Extension(crl, X509Extensions.AuthorityKeyIdentifier));
        var ski = ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier.GetOctets());
        Assert.Null(crl.GetRevokedCertificates());
    }

    [Fact]
    public void Build_Entries_CarrySerialTimeAndReasonCode_ExceptUnspecified()
    {
        var keyCompromised = new SerialNumberGenerator(TimeProvider.System).Next();
        var superseded = new SerialNumberGenerator(TimeProvider.System).Next();
        var noReason = new SerialNumberGenerator(TimeProvider.System).Next();
        var revokedAt = ThisUpdate.AddHours(-3).AddMilliseconds(400);

        var crl = Parse(_builder.Build(_ca, 1, ThisUpdate, NextUpdate,
        [
            new RevokedEntry(keyCompromised, revokedAt, RevocationReason.KeyCompromise),
            RevokedEntry.FromHex(Convert.ToHexString(superseded), revokedAt, RevocationReason.Superseded),
            new RevokedEntry(noReason, revokedAt),
        ]));

        var entries = crl.GetRevokedCertificates().ToDictionary(e => Convert.ToHexString(e.SerialNumber.ToByteArrayUnsigned()));
        Assert.Equal(3, entries.Count);
        Assert.Equal(CrlReason.KeyCompromise, Reason(entries[Convert.ToHexString(keyCompromised)]));
        Assert.Equal(CrlReason.Superseded, Reason(entries[Convert.ToHexString(superseded)]));
        // RFC 5280 §5.3.1: no reasonCode extension rather than unspecified (0).
        Assert.Null(entries[Convert.ToHexString(noReason)].GetExtensionValue(X509Extensions.ReasonCode));
        Assert.All(entries.Values, e => Assert.Equal(ThisUpdate.AddHours(-3).UtcDateTime, e.RevocationDate));
    }

    [Theory]
    [InlineData(CaKeyAlgorithm.EcP256, 40)]
    [InlineData(CaKeyAlgorithm.Rsa2048, 40)]
    [InlineData(CaKeyAlgorithm.EcP384, 30_000)]
    [InlineData(CaKeyAlgorithm.Rsa2048, 30_000)]
    public void Build_WritesTheTbsCertListByteForByteAsThePlatformsCrlBuilder(CaKeyAlgorithm algorithm, int count)
    {
        // The streaming writer replaced CertificateRevocationListBuilder (bench/est-load-profile.md, round 3): the signed
        // part must not change. Serials with and without a leading zero, every reason, times before and after 2050
        // (UTCTime vs GeneralizedTime, RFC 5280 §5.1.2.6), and a CRL number of several octets. 30,000 entries pass
        // through the writer's temporary file and the digest streamed to the signer (ADR 0030).
        using var ca = TestPki.CreateCa(TestPki.Clock(), algorithm);
        var entries = new List<RevokedEntry>();
        for (var i = 0; i < count; i++)
        {
            var serial = new SerialNumberGenerator(TimeProvider.System).Next();
            if (i % 5 == 0)
                serial = [0x00, (byte)(0x80 | i), .. serial[..8]];
            // 0–9: the platform's builder refuses aACompromise (10), which RFC 5280 defines and CrlWriter writes.
            var reason = (RevocationReason)(i % 10);
            if (reason is (RevocationReason)7 or RevocationReason.RemoveFromCrl) // 7 is unassigned (RFC 5280 §5.3.1)
                reason = RevocationReason.Unspecified;
            entries.Add(new RevokedEntry(serial, i == 3 ? new DateTimeOffset(2051, 1, 2, 3, 4, 5, TimeSpan.Zero) : ThisUpdate.AddMinutes(-i).AddMilliseconds(i), reason));
        }
        var platform = new CertificateRevocationListBuilder();
        foreach (var e in entries)
            platform.AddEntry(e.SerialNumber, CertificateTimesTruncated(e.RevokedAt), e.Reason == RevocationReason.Unspecified ? null : (X509RevocationReason)(int)e.Reason);
        var expected = platform.Build(ca.Certificate.SubjectName, ca.SignatureGenerator, new System.Numerics.BigInteger(70_000_000_001), NextUpdate,
            ca.HashAlgorithm, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Certificate, true, false), ThisUpdate);

        var actual = _builder.Build(ca, 70_000_000_001, ThisUpdate, NextUpdate, entries);

        Assert.Equal(count > 23_000, actual.Length > SpillingBuffer.MemoryLimit);
        Assert.Equal(Convert.ToHexString(TbsCertList(expected)), Convert.ToHexString(TbsCertList(actual)));
        Parse(actual).Verify(BouncyCastlePublicKey(ca.Certificate));
    }

    [Fact]
    public void Build_AaCompromise_IsListedWithItsReasonCode()
    {
        // RFC 5280 §5.3.1 defines aACompromise (10) and an operator may revoke with it; the platform's builder, used
        // before CrlWriter, refused it and so failed the whole CRL.
        var serial = new SerialNumberGenerator(TimeProvider.System).Next();

        var crl = Parse(_builder.Build(_ca, 1, ThisUpdate, NextUpdate, [new RevokedEntry(serial, ThisUpdate, RevocationReason.AACompromise)]));

        Assert.Equal(CrlReason.AACompromise, Reason(Assert.Single(crl.GetRevokedCertificates())));
    }

    [Fact]
    public void Build_RemoveFromCrl_IsRefusedInACompleteCrl()
    {
        var entry = new RevokedEntry(new SerialNumberGenerator(TimeProvider.System).Next(), ThisUpdate, RevocationReason.RemoveFromCrl);

        var ex = Assert.Throws<ArgumentException>(() => _builder.Build(_ca, 1, ThisUpdate, NextUpdate, [entry]));
        Assert.Contains("delta", ex.Message);
    }

    [Fact]
    public void Build_SameSerialTwice_IsRefused()
    {
        var serial = new SerialNumberGenerator(TimeProvider.System).Next();

        Assert.Throws<ArgumentException>(() => _builder.Build(_ca, 1, ThisUpdate, NextUpdate,
        [
            new RevokedEntry(serial, ThisUpdate, RevocationReason.KeyCompromise),
            new RevokedEntry((byte[])serial.Clone(), ThisUpdate, RevocationReason.Superseded),
        ]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void Build_SerialOfIllegalLength_IsRefused(int length)
    {
        var entry = new RevokedEntry(Enumerable.Repeat((byte)0x11, length).ToArray(), ThisUpdate);

        Assert.Throws<ArgumentException>(() => _builder.Build(_ca, 1, ThisUpdate, NextUpdate, [entry]));
    }

    [Fact]
    public void Build_NextUpdateNotAfterThisUpdate_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => _builder.Build(_ca, 1, ThisUpdate, ThisUpdate, []));
    }

    [Fact]
    public void Build_NegativeCrlNumber_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _builder.Build(_ca, -1, ThisUpdate, NextUpdate, []));
    }

    [Fact]
    public void Build_CaWithoutCrlSignUsage_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=No CRL CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var certificate = request.CreateSelfSigned(ThisUpdate.AddDays(-1), ThisUpdate.AddYears(1));
        var signer = new FixedCaSigner(X509CertificateLoader.LoadCertificate(certificate.RawData), key);

        var ex = Assert.Throws<InvalidOperationException>(() => _builder.Build(signer, 1, ThisUpdate, NextUpdate, []));
        Assert.Contains("cRLSign", ex.Message);
    }

    private static X509Crl Parse(byte[] der) => new X509CrlParser().ReadCrl(der);

    private static byte[] TbsCertList(byte[] crl) =>
        new System.Formats.Asn1.AsnReader(crl, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();

    private static DateTimeOffset CertificateTimesTruncated(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static Org.BouncyCastle.Crypto.AsymmetricKeyParameter BouncyCastlePublicKey(X509Certificate2 certificate) =>
        new X509CertificateParser().ReadCertificate(certificate.RawData).GetPublicKey();

    private static Asn1Object Extension(X509Crl crl, DerObjectIdentifier oid) =>
        X509ExtensionUtilities.FromExtensionValue(crl.GetExtensionValue(oid) ?? throw new InvalidOperationException($"no {oid} extension"));

    private static int Reason(X509CrlEntry entry) =>
        DerEnumerated.GetInstance(X509ExtensionUtilities.FromExtensionValue(entry.GetExtensionValue(X509Extensions.ReasonCode))).IntValueExact;

    private sealed class FixedCaSigner(X509Certificate2 certificate, ECDsa key) : ICaSigner
    {
        public Guid CaId { get; } = Guid.NewGuid();

        public X509Certificate2 Certificate => certificate;

        public X509SignatureGenerator SignatureGenerator { get; } = X509SignatureGenerator.CreateForECDsa(key);

        public HashAlgorithmName HashAlgorithm => HashAlgorithmName.SHA256;

        public byte[] SignDigest(byte[] digest) => key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
    }
}
