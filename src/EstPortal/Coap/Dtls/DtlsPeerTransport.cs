using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// BouncyCastle's blocking <see cref="DatagramTransport"/> for one remote endpoint: the listener's single UDP socket
/// receives every datagram and hands this peer's to <see cref="Deliver"/>; sends go out through the shared socket.
/// The queue is bounded: a peer that sends faster than its session reads loses datagrams, as UDP would.
/// </summary>
internal sealed class DtlsPeerTransport(Socket socket, IPEndPoint remote, TimeProvider time) : DatagramTransport
{
    // RFC 6347 §4.1.1.1: handshake messages are fragmented to the path MTU; 1280 is IPv6's minimum and what
    // constrained networks (6LoWPAN) promise, minus IP/UDP headers.
    private const int SendLimit = 1280 - 48 - 8;
    private const int ReceiveLimit = 16 * 1024;
    private const int QueueLimit = 64;

    private readonly BlockingCollection<byte[]> _inbound = new(QueueLimit);
    private readonly CancellationTokenSource _closed = new();

    public IPEndPoint Remote => remote;

    /// <summary>When the peer last sent a datagram (for the idle timeout).</summary>
    public long LastHeard { get; private set; } = time.GetTimestamp();

    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>False when the queue is full or the session is closed (the datagram is dropped).</summary>
    public bool Deliver(byte[] datagram)
    {
        if (IsClosed)
            return false;
        LastHeard = time.GetTimestamp();
        try
        {
            return _inbound.TryAdd(datagram);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        try
        {
            if (!_inbound.TryTake(out var datagram, waitMillis, _closed.Token))
                return -1;
            var length = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        catch (OperationCanceledException)
        {
            // BouncyCastle treats an I/O failure as the end of the session; a closed transport is exactly that.
            throw new IOException("the DTLS session was closed");
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (IsClosed)
            throw new IOException("the DTLS session was closed");
        try
        {
            socket.SendTo(buffer, SocketFlags.None, remote);
        }
        catch (ObjectDisposedException)
        {
            throw new IOException("the listener has stopped");
        }
        catch (SocketException ex)
        {
            // ICMP port unreachable and friends: the peer is gone; the session ends.
            throw new IOException(ex.Message, ex);
        }
    }

    public void Close()
    {
        if (!_closed.IsCancellationRequested)
            _closed.Cancel();
    }

    public void Dispose()
    {
        Close();
        _inbound.Dispose();
        _closed.Dispose();
    }
}
