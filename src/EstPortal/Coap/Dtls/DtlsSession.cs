using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// One client's DTLS session on its own thread (BouncyCastle's DTLS API blocks): the handshake, then CoAP datagrams
/// one after another until the client closes, goes idle, or the listener stops.
/// </summary>
internal sealed class DtlsSession(
    DtlsPeerTransport transport,
    DtlsRequest hello,
    TlsCrypto crypto,
    (X509Certificate2 Certificate, ECDsa Key) serverIdentity,
    ICoapResource resource,
    CoapsOptions options,
    DtlsSessionLimits limits,
    TimeProvider time,
    ILogger logger)
{
    public DtlsPeerTransport Transport => transport;

    public void Run(CancellationToken stopping)
    {
        var address = transport.Remote.Address;
        var handshaking = true;
        DtlsTransport? dtls = null;
        try
        {
            var server = new EstDtlsServer(crypto, serverIdentity.Certificate, serverIdentity.Key, options.HandshakeTimeoutSeconds * 1000);
            dtls = new DtlsServerProtocol().Accept(server, transport, hello);
            handshaking = false;
            limits.HandshakeDone(address);
            logger.LogDebug("DTLS session with {Remote} established ({Subject})", transport.Remote, server.ClientChain.Count > 0 ? server.ClientChain[0].Subject : "no client certificate");

            using var session = new CoapSession(new CoapPeer(transport.Remote, server.ClientChain, server.TlsUnique), resource, options.MaxRequestBodyBytes);
            var buffer = new byte[dtls.GetReceiveLimit()];
            var idle = TimeSpan.FromSeconds(options.IdleTimeoutSeconds);
            while (!stopping.IsCancellationRequested && !transport.IsClosed)
            {
                var length = dtls.Receive(buffer, 0, buffer.Length, 1000);
                if (length < 0)
                {
                    if (time.GetElapsedTime(transport.LastHeard) > idle)
                        break;
                    continue;
                }
                var reply = session.HandleAsync(buffer[..length], stopping).GetAwaiter().GetResult();
                if (reply is not null)
                    dtls.Send(reply, 0, reply.Length);
            }
        }
        catch (Exception ex) when (ex is TlsException or IOException or OperationCanceledException)
        {
            // A refused or abandoned handshake (no client certificate, a timeout, a bad record) or a peer that went away.
            logger.LogDebug("DTLS session with {Remote} ended: {Reason}", transport.Remote, ex.Message);
        }
        catch (Exception ex)
        {
            // Never let one client's session take the listener down.
            logger.LogWarning(ex, "DTLS session with {Remote} failed", transport.Remote);
        }
        finally
        {
            try
            {
                dtls?.Close();
            }
            catch (Exception ex) when (ex is TlsException or IOException)
            {
                // Closing a session the peer already dropped.
            }
            transport.Close();
            limits.Close(address, handshaking);
        }
    }
}
