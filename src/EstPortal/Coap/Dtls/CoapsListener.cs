using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// The EST-coaps front door (RFC 9148): one UDP socket; each datagram goes to its remote endpoint's DTLS session. A new
/// endpoint must first pass the stateless cookie exchange (RFC 6347 §4.2.1, HelloVerifyRequest): until it echoes a
/// cookie bound to its address, it costs us one HMAC and one small reply, so a spoofed source address gets nothing.
/// Only then does it take a session slot, within the per-address limits of <see cref="DtlsSessionLimits"/>.
/// </summary>
internal sealed class CoapsListener(
    IOptions<CoapsOptions> options,
    TlsCertificateProvider tls,
    ICoapResource resource,
    TimeProvider time,
    ILogger<CoapsListener> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<IPEndPoint, DtlsSession> _sessions = new();
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address and port the socket is bound to, once it is.</summary>
    public Task<IPEndPoint> BoundEndPoint => _bound.Task;

    /// <summary>Sessions held right now (handshaking or established).</summary>
    public int SessionCount => _sessions.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return;
        var identity = await ServerIdentityAsync(stoppingToken);
        var limits = new DtlsSessionLimits(settings);
        var crypto = new BcTlsCrypto(new SecureRandom());
        var verifier = new DtlsVerifier(crypto);

        var endPoint = settings.EndPoint();
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(endPoint);
        _bound.TrySetResult((IPEndPoint)socket.LocalEndPoint!);
        logger.LogInformation("EST over CoAP/DTLS (RFC 9148) listening on coaps://{EndPoint}", socket.LocalEndPoint);

        var buffer = new byte[64 * 1024];
        EndPoint any = new IPEndPoint(endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stoppingToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // ICMP errors from an earlier send surface here on some stacks; they concern one peer, not the socket.
                logger.LogDebug("UDP receive: {Reason}", ex.Message);
                continue;
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            if (_sessions.TryGetValue(remote, out var existing) && !existing.Transport.IsClosed)
            {
                existing.Transport.Deliver(datagram);
                continue;
            }
            Admit(socket, remote, datagram, verifier, crypto, identity, limits, settings, stoppingToken);
        }

        foreach (var session in _sessions.Values)
            session.Transport.Close();
    }

    private void Admit(Socket socket, IPEndPoint remote, byte[] datagram, DtlsVerifier verifier, BcTlsCrypto crypto,
        (X509Certificate2, ECDsa) identity, DtlsSessionLimits limits, CoapsOptions settings, CancellationToken stopping)
    {
        DtlsRequest? hello;
        try
        {
            // The cookie is bound to the address and port the datagram came from (RFC 6347 §4.2.1).
            hello = verifier.VerifyRequest(ClientId(remote), datagram, 0, datagram.Length, new ReplySender(socket, remote));
        }
        catch (Exception ex) when (ex is TlsException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            return;
        }
        if (hello is null)
            return;
        if (limits.TryOpen(remote.Address) is { } full)
        {
            // No alert: the client retransmits its ClientHello and gets in once a slot frees up.
            logger.LogDebug("DTLS handshake from {Remote} not started: {Reason}", remote, full);
            return;
        }

        var transport = new DtlsPeerTransport(socket, remote, time);
        var session = new DtlsSession(transport, hello, crypto, identity, resource, settings, limits, time, logger);
        _sessions[remote] = session;
        var thread = new Thread(() =>
        {
            try
            {
                session.Run(stopping);
            }
            finally
            {
                _sessions.TryRemove(new KeyValuePair<IPEndPoint, DtlsSession>(remote, session));
            }
        })
        { IsBackground = true, Name = $"coaps {remote}" };
        thread.Start();
    }

    private static byte[] ClientId(IPEndPoint remote)
    {
        var address = remote.Address.GetAddressBytes();
        return [.. address, (byte)(remote.Port >> 8), (byte)remote.Port];
    }

    /// <summary>
    /// The EST TLS server certificate (ECDSA P-256, issued by the default CA; see ADR 0023): the one
    /// EST over HTTPS presents, so a device that trusts /crts trusts this endpoint too.
    /// </summary>
    private async Task<(X509Certificate2, ECDsa)> ServerIdentityAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var certificate = tls.Current;
                var key = certificate.GetECDsaPrivateKey()
                    ?? throw new InvalidOperationException("the EST TLS certificate has no ECDSA key; EST over CoAP needs ECDSA P-256 (RFC 7252 §9.1.3.3)");
                return (certificate, key);
            }
            catch (InvalidOperationException) when (!cancellationToken.IsCancellationRequested && !TlsReady())
            {
                // First start: the certificate is issued by the first-run initializer, which may still be at it.
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private bool TlsReady()
    {
        try
        {
            _ = tls.Current;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Where the HelloVerifyRequest goes: straight back to the datagram's source, no state kept.</summary>
    private sealed class ReplySender(Socket socket, IPEndPoint remote) : DatagramSender
    {
        public int GetSendLimit() => 1280 - 48 - 8;

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer)
        {
            try
            {
                socket.SendTo(buffer, SocketFlags.None, remote);
            }
            catch (SocketException)
            {
                // Nobody there; nothing to do.
            }
        }
    }
}
