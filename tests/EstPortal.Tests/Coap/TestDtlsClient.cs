using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace EstPortal.Tests.Coap;

/// <summary>
/// A DTLS 1.2 client of our own (BouncyCastle's DtlsClientProtocol) for what libcoap's command-line clients cannot do:
/// send hand-made CoAP datagrams inside a session, leave from a chosen loopback address, stall a handshake, or read the
/// session's tls-unique to put into a CSR (RFC 7030 §3.5 linking).
/// </summary>
public sealed class TestDtlsClient : IDisposable
{
    private readonly UdpClient _udp;
    private readonly DtlsTransport _dtls;

    private TestDtlsClient(UdpClient udp, DtlsTransport dtls, byte[]? tlsUnique)
    {
        _udp = udp;
        _dtls = dtls;
        TlsUnique = tlsUnique;
    }

    /// <summary>RFC 5929 §3 tls-unique of this session as the client computed it.</summary>
    public byte[]? TlsUnique { get; }

    public static TestDtlsClient Connect(IPEndPoint server, X509Certificate2 certificate, ECDsa key, IPAddress? from = null)
    {
        var udp = new UdpClient(new IPEndPoint(from ?? IPAddress.Loopback, 0));
        udp.Connect(server);
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            var client = new Client(crypto, certificate, key);
            var dtls = new DtlsClientProtocol().Connect(client, new UdpTransport(udp, int.MaxValue));
            return new TestDtlsClient(udp, dtls, client.TlsUnique);
        }
        catch
        {
            udp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a handshake from <paramref name="from"/> that passes the cookie exchange and then goes silent: it holds one
    /// of the server's handshake slots until the server's handshake timeout. Returns when the client gives up.
    /// </summary>
    public static void Stall(IPEndPoint server, X509Certificate2 certificate, ECDsa key, IPAddress from, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(new IPEndPoint(from, 0));
        udp.Connect(server);
        using var registration = cancellationToken.Register(udp.Dispose);
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            // Two datagrams: the ClientHello, and the ClientHello with the cookie. Then nothing more is sent.
            new DtlsClientProtocol().Connect(new Client(crypto, certificate, key), new UdpTransport(udp, sendBudget: 2));
        }
        catch (Exception ex) when (ex is TlsException or IOException or ObjectDisposedException or SocketException)
        {
            // Expected: the stalled handshake never completes.
        }
    }

    /// <summary>Sends one datagram inside the session; returns the reply datagram, or null when none came in time.</summary>
    public byte[]? Exchange(byte[] datagram, int waitMillis = 5000)
    {
        _dtls.Send(datagram, 0, datagram.Length);
        return Receive(waitMillis);
    }

    public void Send(byte[] datagram) => _dtls.Send(datagram, 0, datagram.Length);

    public byte[]? Receive(int waitMillis)
    {
        var buffer = new byte[_dtls.GetReceiveLimit()];
        var length = _dtls.Receive(buffer, 0, buffer.Length, waitMillis);
        return length < 0 ? null : buffer[..length];
    }

    public void Dispose()
    {
        try
        {
            _dtls.Close();
        }
        catch (Exception ex) when (ex is TlsException or IOException)
        {
        }
        _udp.Dispose();
    }

    private sealed class Client(TlsCrypto crypto, X509Certificate2 certificate, ECDsa key) : DefaultTlsClient(crypto)
    {
        public X509Certificate2 ClientCertificate => certificate;
        public ECDsa ClientKey => key;

        public byte[]? TlsUnique { get; private set; }

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            TlsUnique = m_context.ExportChannelBinding(ChannelBinding.tls_unique);
        }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8];

        public override int GetHandshakeTimeoutMillis() => 20_000;

        public override TlsAuthentication GetAuthentication() => new Authentication(this);

        private sealed class Authentication(Client client) : TlsAuthentication
        {
            // The tests trust the server they started; libcoap's -C checks the chain in the interop tests.
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate) { }

            public TlsCredentials GetClientCredentials(Org.BouncyCastle.Tls.CertificateRequest certificateRequest)
            {
                var chain = new Certificate([client.Crypto.CreateCertificate(client.ClientCertificate.RawData)]);
                var privateKey = PrivateKeyFactory.CreateKey(client.ClientKey.ExportPkcs8PrivateKey());
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), (BcTlsCrypto)client.Crypto,
                    privateKey, chain, SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        }
    }

    /// <summary>A connected UDP socket as BouncyCastle's blocking transport; after <c>sendBudget</c> datagrams it sends nothing.</summary>
    private sealed class UdpTransport(UdpClient udp, int sendBudget) : DatagramTransport
    {
        private int _sent;

        public int GetReceiveLimit() => 16 * 1024;

        public int GetSendLimit() => 1200;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            udp.Client.ReceiveTimeout = Math.Max(1, waitMillis);
            try
            {
                var remote = new IPEndPoint(IPAddress.Any, 0);
                var datagram = udp.Receive(ref remote);
                var length = Math.Min(datagram.Length, buffer.Length);
                datagram.AsSpan(0, length).CopyTo(buffer);
                return length;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
                return -1;
            }
        }

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer)
        {
            if (_sent++ < sendBudget)
                udp.Send(buffer);
        }

        public void Close() => udp.Close();
    }
}
