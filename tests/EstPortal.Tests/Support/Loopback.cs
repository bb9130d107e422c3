using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Tests.Support;

/// <summary>What every test that runs the app on 127.0.0.1 needs: a free port, and trust in the app's own CA only.</summary>
public static class Loopback
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port nothing listens on right now, never handed out before in this test run, for a Kestrel endpoint of a test
    /// app. Taken below the kernel's ephemeral range: a port the kernel picks (listen on port 0) comes from that range,
    /// and so does the local port of every outgoing connection — to PostgreSQL, to the app itself — so between the pick
    /// and Kestrel's bind another connection could take it ("address already in use", seen in a full run).
    /// </summary>
    public static int FreePort()
    {
        var (low, high) = (10_000, EphemeralRangeStart() - 1);
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(low, high + 1);
                if (HandedOut.Contains(port) || !CanBind(port))
                    continue;
                HandedOut.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {low} and {high}");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of Linux's ephemeral range (net.ipv4.ip_local_port_range); 32768 where it cannot be read.</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0];
            return Math.Max(int.Parse(first, System.Globalization.CultureInfo.InvariantCulture), 11_000);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32_768;
        }
    }

    /// <summary>
    /// A TCP connection whose local end is <paramref name="localAddress"/>: every 127.x.y.z is loopback, so a test can be
    /// a second client address (a proxy the app does not trust) on the same machine.
    /// </summary>
    public static async ValueTask<Stream> ConnectFromAsync(IPAddress localAddress, DnsEndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
            await socket.ConnectAsync(server, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A plain-HTTP client whose connections leave from <paramref name="localAddress"/>: every 127.x.y.z is loopback on
    /// Linux, so a test can be a second client address (as `curl --interface 127.0.0.2` would) to a server on 127.0.0.1.
    /// </summary>
    public static HttpClient PlainHttpClientFrom(string localAddress, string baseUrl)
    {
        var local = IPAddress.Parse(localAddress);
        var handler = new SocketsHttpHandler { ConnectCallback = (context, cancellationToken) => ConnectFromAsync(local, context.DnsEndPoint, cancellationToken) };
        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="root"/> alone (no system roots, no revocation check).</summary>
    public static bool ChainsTo(X509Certificate2 root, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
