using System.Net;
using System.Net.Sockets;
using EstPortal.Coap;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Coap;

/// <summary>The app with small DTLS limits, so a flood fills them quickly.</summary>
public sealed class TightCoapsHost : IAsyncLifetime
{
    public CoapsHost Coaps { get; } = new(new Dictionary<string, string?>
    {
        ["EstPortal:Coaps:MaxSessions"] = "12",
        ["EstPortal:Coaps:MaxSessionsPerAddress"] = "6",
        ["EstPortal:Coaps:MaxHandshakesPerAddress"] = "3",
        ["EstPortal:Coaps:HandshakeTimeoutSeconds"] = "30",
    });

    public Task InitializeAsync() => Coaps.InitializeAsync();

    public Task DisposeAsync() => Coaps.DisposeAsync();
}

/// <summary>What the DTLS listener withstands: handshake floods from one address, hostile datagrams before and inside a session.</summary>
public sealed class CoapsListenerTests(TightCoapsHost tight) : IClassFixture<TightCoapsHost>
{
    private CoapsHost Coaps => tight.Coaps;

    private IPEndPoint Server => new(IPAddress.Loopback, new Uri(Coaps.Url).Port);

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task A_flood_of_stalled_handshakes_from_one_address_does_not_starve_a_device_at_another()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Coaps.Host.CaCertificate);
        var flooder = await Coaps.EnrolledDeviceAsync(dir, "coap-flood-" + CoapsInteropTests.Suffix());
        var device = await Coaps.EnrolledDeviceAsync(dir, "coap-victim-" + CoapsInteropTests.Suffix());

        // 40 handshakes from 127.0.0.2 that pass the cookie exchange and go silent: far more than all 12 session slots.
        using var stop = new CancellationTokenSource();
        var flood = Enumerable.Range(0, 40).Select(_ => Task.Factory.StartNew(
            () => TestDtlsClient.Stall(Server, flooder.Certificate, flooder.Key, IPAddress.Parse("127.0.0.2"), stop.Token),
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, Coaps.EstUrl("crts"), device, ca, "-m", "get", "-B", "15");

        await stop.CancelAsync();
        await Task.WhenAll(flood);
        Assert.True(answer.Payload is not null, "the device at 127.0.0.1 got no answer while 127.0.0.2 flooded: " + answer.Output);
    }

    [RequiresToolFact(CoapClientTool.OpenSsl)]
    public async Task Hostile_datagrams_before_and_inside_a_session_never_stop_the_listener_answering_a_real_client()
    {
        using var dir = new ToolWorkspace();
        var ca = dir.WriteCaPem(Coaps.Host.CaCertificate);
        var device = await Coaps.EnrolledDeviceAsync(dir, "coap-hostile-" + CoapsInteropTests.Suffix());
        var random = new Random(9148);

        // Before any handshake: random bytes, and DTLS-looking records (content type 22, version 254.253) with junk.
        using (var raw = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0)))
        {
            for (var i = 0; i < 2000; i++)
            {
                var junk = new byte[random.Next(0, 300)];
                random.NextBytes(junk);
                if (i % 2 == 0 && junk.Length > 13)
                    (junk[0], junk[1], junk[2]) = (22, 254, 253);
                await raw.SendAsync(junk, Server);
            }
        }

        // Inside an established session: mutations of a real request (bit flips, truncation, huge block numbers, bad options).
        using (var session = TestDtlsClient.Connect(Server, device.Certificate, device.Key))
        {
            var valid = CoapCodec.Encode(new CoapMessage(CoapMessageType.Confirmable, CoapCodes.Post, 1, [1, 2, 3, 4],
            [
                new CoapOption(CoapOptionNumbers.UriPath, ".well-known"u8.ToArray()),
                new CoapOption(CoapOptionNumbers.UriPath, "est"u8.ToArray()),
                new CoapOption(CoapOptionNumbers.UriPath, "sen"u8.ToArray()),
                new CoapOption(CoapOptionNumbers.ContentFormat, CoapUint.Encode(286)),
                new CoapOption(CoapOptionNumbers.Block1, new BlockOption(0, true, 2).Encode()),
            ], new byte[64]));
            for (var i = 0; i < 1500; i++)
            {
                var mutated = Mutate(valid, random, i);
                session.Send(mutated);
                if (i % 50 == 0)
                    session.Receive(10);
            }
            while (session.Receive(200) is not null)
            {
            }

            // The same session still answers a well-formed request.
            var get = CoapCodec.Encode(new CoapMessage(CoapMessageType.Confirmable, CoapCodes.Get, 60000, [5],
            [
                new CoapOption(CoapOptionNumbers.UriPath, ".well-known"u8.ToArray()),
                new CoapOption(CoapOptionNumbers.UriPath, "core"u8.ToArray()),
            ], []));
            Assert.True(CoapCodec.TryDecode(session.Exchange(get) ?? [], out var reply, out _));
            Assert.Equal(CoapCodes.Content, reply.Code);
        }

        var answer = await CoapClientTool.RunAsync(CoapClientTool.OpenSsl, dir, Coaps.EstUrl("crts"), device, ca, "-m", "get");
        Assert.True(answer.Payload is not null, answer.Output);
    }

    private static byte[] Mutate(byte[] valid, Random random, int round)
    {
        var copy = valid.ToArray();
        switch (round % 5)
        {
            case 0:
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 1:
                return copy[..random.Next(1, copy.Length)];
            case 2:
                // A Block2 option asking for block 2^20-1, then one with a reserved SZX.
                return [.. copy[..4], 0xd3, 23 - 13, 0xff, 0xff, (byte)(0xf0 | random.Next(8))];
            case 3:
                var junk = new byte[random.Next(1, 200)];
                random.NextBytes(junk);
                return junk;
            default:
                copy[4 + 4 + random.Next(copy.Length - 8)] = (byte)random.Next(256);
                return copy;
        }
    }
}
