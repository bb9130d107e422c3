using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// One DTLS 1.2 server handshake (RFC 9148 §3): ECDHE-ECDSA with AES-128-CCM-8 (the CoAP mandatory suite, RFC 7252
/// §9.1.3.3) or AES-128-GCM, the EST TLS server certificate, and a client certificate that is required — a
/// handshake without one fails. Which client certificates are acceptable is decided after the handshake by the same
/// enrollment pipeline as HTTPS; the handshake proves possession of the key (CertificateVerify).
/// </summary>
internal sealed class EstDtlsServer(TlsCrypto crypto, X509Certificate2 serverCertificate, ECDsa serverKey, int handshakeTimeoutMillis)
    : DefaultTlsServer(crypto)
{
    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ];

    /// <summary>The client's certificate chain as it sent it, leaf first; empty until the handshake has it.</summary>
    public IReadOnlyList<X509Certificate2> ClientChain { get; private set; } = [];

    /// <summary>RFC 5929 §3 tls-unique of this session, once the handshake has completed.</summary>
    public byte[]? TlsUnique { get; private set; }

    /// <summary>A handshake that stalls (a client that stops half-way) gives its slot back after this.</summary>
    public override int GetHandshakeTimeoutMillis() => handshakeTimeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => Suites;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var chain = new Certificate([Crypto.CreateCertificate(serverCertificate.RawData)]);
        return new PlatformEcdsaSigner(chain, serverKey);
    }

    public override Org.BouncyCastle.Tls.CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        // RFC 9148 §3: the client authenticates with a certificate; without one there is nobody to enroll.
        if (clientCertificate is null || clientCertificate.IsEmpty)
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "a client certificate is required (RFC 9148 §3)");
        ClientChain = [.. clientCertificate.GetCertificateList().Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded()))];
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        // RFC 5929 §3.1: tls-unique is the first Finished message of the latest handshake — the client's, in a full
        // handshake. BouncyCastle exports it as it is defined, for the RFC 7030 §3.5 linking check.
        TlsUnique = m_context.ExportChannelBinding(ChannelBinding.tls_unique);
    }

    // Alerts are the peer's business; the listener logs the outcome of a failed handshake once.
    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) { }
}
