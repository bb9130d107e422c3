using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace EstPortal.Bench.Load;

/// <summary>
/// One device's EST-coaps session (RFC 9148): a DTLS 1.2 client (BouncyCastle's DtlsClientProtocol) with the device's
/// certificate — RFC 9148 §3 requires client authentication — that posts CSRs to /sen as Confirmable requests and waits
/// for each answer (CoAP stop-and-wait, RFC 7252 §4.2). Blocking, so every session runs on its own thread.
/// </summary>
internal sealed class CoapsDevice : IDisposable
{
    private const byte Post = 0x02;
    private const byte Changed = 0x44; // 2.04
    private const int TypeConfirmable = 0, TypeAcknowledgement = 2;

    private readonly UdpClient _udp;
    private readonly DtlsTransport _dtls;
    private readonly byte[] _receive;
    private ushort _messageId = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue);

    private CoapsDevice(UdpClient udp, DtlsTransport dtls)
    {
        _udp = udp;
        _dtls = dtls;
        _receive = new byte[dtls.GetReceiveLimit()];
    }

    /// <summary>A new session: a full handshake (ECDHE-ECDSA with the client certificate; no resumption).</summary>
    public static CoapsDevice Connect(IPEndPoint server, X509Certificate2 certificate, ECDsa key)
    {
        var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Connect(server);
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            return new CoapsDevice(udp, new DtlsClientProtocol().Connect(new Client(crypto, certificate, key), new UdpTransport(udp)));
        }
        catch
        {
            udp.Dispose();
            throw;
        }
    }

    /// <summary>POST /.well-known/est/sen with a DER CSR; null when a certificate came back (2.04), else why not.</summary>
    public string? SimpleEnroll(byte[] csrDer, int waitMillis = 10_000)
    {
        var messageId = _messageId++;
        var token = BitConverter.GetBytes(messageId);
        _dtls.Send(Request(messageId, token, csrDer));
        var deadline = Environment.TickCount64 + waitMillis;
        while (true)
        {
            var left = (int)(deadline - Environment.TickCount64);
            var length = left <= 0 ? -1 : _dtls.Receive(_receive, 0, _receive.Length, left);
            if (length < 4)
                return $"no answer to message {messageId} within {waitMillis} ms";
            var type = (_receive[0] >> 4) & 0x3;
            var tokenLength = _receive[0] & 0xF;
            var code = _receive[1];
            var id = (ushort)((_receive[2] << 8) | _receive[3]);
            if (!_receive.AsSpan(4, tokenLength).SequenceEqual(token))
                continue; // an answer to an earlier request, repeated
            if (type == TypeAcknowledgement && code == 0)
                continue; // empty ACK: the answer follows separately (RFC 7252 §5.2.2)
            if (type == TypeConfirmable)
                _dtls.Send([0x60, 0, (byte)(id >> 8), (byte)id]); // acknowledge a separate answer
            return code == Changed ? null : $"{code >> 5}.{code & 0x1F:D2}";
        }
    }

    /// <summary>RFC 7252 §3: header, token, options in ascending order as (delta, length) nibbles, 0xFF, payload.</summary>
    private static byte[] Request(ushort messageId, byte[] token, byte[] csrDer)
    {
        using var message = new MemoryStream(64 + csrDer.Length);
        message.Write([(byte)(0x40 | (TypeConfirmable << 4) | token.Length), Post, (byte)(messageId >> 8), (byte)messageId]);
        message.Write(token);
        message.WriteByte(11 << 4 | 11); // Uri-Path (11)
        message.Write(".well-known"u8);
        message.WriteByte(0 << 4 | 3);
        message.Write("est"u8);
        message.WriteByte(0 << 4 | 3);
        message.Write("sen"u8);
        message.Write([1 << 4 | 2, 286 >> 8, 286 & 0xFF]); // Content-Format (12): application/pkcs10 (RFC 9148 §8.3)
        message.Write([5 << 4 | 2, 287 >> 8, 287 & 0xFF]); // Accept (17): application/pkix-cert
        message.WriteByte(0xFF);
        message.Write(csrDer);
        return message.ToArray();
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
        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        // The cipher suite RFC 7925 §4.4 makes mandatory for certificate-based CoAP devices.
        protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8];

        public override int GetHandshakeTimeoutMillis() => 20_000;

        public override TlsAuthentication GetAuthentication() => new Authentication(this);

        private sealed class Authentication(Client client) : TlsAuthentication
        {
            // The bench trusts the server it started.
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate) { }

            public TlsCredentials GetClientCredentials(Org.BouncyCastle.Tls.CertificateRequest certificateRequest)
            {
                var chain = new Certificate([client.Crypto.CreateCertificate(client.ClientCertificate.RawData)]);
                var privateKey = PrivateKeyFactory.CreateKey(client.ClientKey.ExportPkcs8PrivateKey());
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), (BcTlsCrypto)client.Crypto,
                    privateKey, chain, SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        }

        private X509Certificate2 ClientCertificate => certificate;

        private ECDsa ClientKey => key;
    }

    /// <summary>A connected UDP socket as BouncyCastle's blocking datagram transport.</summary>
    private sealed class UdpTransport(UdpClient udp) : DatagramTransport
    {
        public int GetReceiveLimit() => 16 * 1024;

        public int GetSendLimit() => 1200;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            udp.Client.ReceiveTimeout = Math.Max(1, waitMillis);
            try
            {
                return udp.Client.Receive(buffer);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
                return -1;
            }
        }

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer) => udp.Client.Send(buffer);

        public void Close() => udp.Close();
    }
}
