using System.Net;
using EstPortal.Coap;

namespace EstPortal.Tests.Coap;

/// <summary>The CoAP message layer and block-wise transfer (RFC 7252 §4, RFC 7959) around a resource that counts its calls.</summary>
public class CoapSessionTests
{
    private sealed class CountingResource(byte[] answer) : ICoapResource
    {
        public int Calls;
        public byte[]? LastBody;

        public Task<CoapResponse> HandleAsync(CoapPeer peer, CoapRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            LastBody = request.Body;
            return Task.FromResult(new CoapResponse(CoapCodes.Changed, CoapContentFormats.PkixCert, answer));
        }
    }

    private static readonly CoapPeer Peer = new(new IPEndPoint(IPAddress.Loopback, 5684), [], null);
    private ushort _messageId = 100;

    private byte[] Post(byte[] payload, params CoapOption[] options) => CoapCodec.Encode(new CoapMessage(CoapMessageType.Confirmable,
        CoapCodes.Post, _messageId++, [9, 9], [new CoapOption(CoapOptionNumbers.UriPath, "sen"u8.ToArray()), .. options], payload));

    private static CoapMessage Decode(byte[]? datagram)
    {
        Assert.NotNull(datagram);
        Assert.True(CoapCodec.TryDecode(datagram, out var message, out var error), error);
        return message;
    }

    [Fact]
    public async Task A_POSTs_answer_asked_for_block_by_block_comes_from_the_kept_answer_and_the_resource_runs_once()
    {
        var answer = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var resource = new CountingResource(answer);
        using var session = new CoapSession(Peer, resource, 4096);
        var received = new List<byte>();
        BlockOption block;
        uint number = 0;
        do
        {
            var reply = Decode(await session.HandleAsync(Post([0x30], new CoapOption(CoapOptionNumbers.Block2, new BlockOption(number, false, 2).Encode())), default));
            Assert.Equal(CoapCodes.Changed, reply.Code);
            block = reply.Block2!.Value;
            Assert.Equal(number, block.Number);
            if (number == 0)
                Assert.Equal(300u, reply.UintOption(CoapOptionNumbers.Size2));
            received.AddRange(reply.Payload);
            number++;
        }
        while (block.More);

        Assert.Equal(answer, received);
        Assert.Equal(5u, number); // 300 bytes in 64-byte blocks
        Assert.Equal(1, resource.Calls);
    }

    [Fact]
    public async Task A_large_answer_to_a_request_without_Block2_starts_block_wise_at_1024_bytes()
    {
        var resource = new CountingResource(new byte[2500]);
        using var session = new CoapSession(Peer, resource, 4096);

        var first = Decode(await session.HandleAsync(Post([0x30]), default));

        Assert.Equal(new BlockOption(0, true, 6), first.Block2);
        Assert.Equal(1024, first.Payload.Length);
        var last = Decode(await session.HandleAsync(Post([0x30], new CoapOption(CoapOptionNumbers.Block2, new BlockOption(2, false, 6).Encode())), default));
        Assert.Equal(new BlockOption(2, false, 6), last.Block2);
        Assert.Equal(2500 - 2048, last.Payload.Length);
        Assert.Equal(1, resource.Calls);
    }

    [Fact]
    public async Task Block1_pieces_are_acknowledged_with_2_31_and_the_resource_sees_the_whole_body_once()
    {
        var resource = new CountingResource([1]);
        using var session = new CoapSession(Peer, resource, 4096);
        var body = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();

        var continue0 = Decode(await session.HandleAsync(Post(body[..16], new CoapOption(CoapOptionNumbers.Block1, new BlockOption(0, true, 0).Encode())), default));
        var continue1 = Decode(await session.HandleAsync(Post(body[16..32], new CoapOption(CoapOptionNumbers.Block1, new BlockOption(1, true, 0).Encode())), default));
        var done = Decode(await session.HandleAsync(Post(body[32..], new CoapOption(CoapOptionNumbers.Block1, new BlockOption(2, false, 0).Encode())), default));

        Assert.Equal(CoapCodes.Continue, continue0.Code);
        Assert.Equal(CoapCodes.Continue, continue1.Code);
        Assert.Equal(new BlockOption(1, true, 0), continue1.Block1);
        Assert.Equal(CoapCodes.Changed, done.Code);
        Assert.Equal(new BlockOption(2, false, 0), done.Block1);
        Assert.Equal(body, resource.LastBody);
        Assert.Equal(1, resource.Calls);
    }

    [Fact]
    public async Task A_Block1_piece_out_of_order_is_4_08_and_nothing_is_processed()
    {
        var resource = new CountingResource([1]);
        using var session = new CoapSession(Peer, resource, 4096);

        await session.HandleAsync(Post(new byte[16], new CoapOption(CoapOptionNumbers.Block1, new BlockOption(0, true, 0).Encode())), default);
        var skipped = Decode(await session.HandleAsync(Post(new byte[16], new CoapOption(CoapOptionNumbers.Block1, new BlockOption(5, false, 0).Encode())), default));

        Assert.Equal(CoapCodes.RequestEntityIncomplete, skipped.Code);
        Assert.Equal(0, resource.Calls);
    }

    [Fact]
    public async Task A_body_beyond_the_limit_is_4_13_with_Size1()
    {
        var resource = new CountingResource([1]);
        using var session = new CoapSession(Peer, resource, 1024);
        CoapMessage reply;
        uint number = 0;
        do
            reply = Decode(await session.HandleAsync(Post(new byte[1024], new CoapOption(CoapOptionNumbers.Block1, new BlockOption(number++, true, 6).Encode())), default));
        while (reply.Code == CoapCodes.Continue && number < 10);

        Assert.Equal(CoapCodes.RequestEntityTooLarge, reply.Code);
        Assert.Equal(1024u, reply.UintOption(CoapOptionNumbers.Size1));
        Assert.Equal(0, resource.Calls);
    }

    [Fact]
    public async Task A_retransmitted_Confirmable_gets_the_same_reply_and_is_not_processed_again()
    {
        var resource = new CountingResource([7, 7]);
        using var session = new CoapSession(Peer, resource, 4096);
        var request = Post([0x30]);

        var first = await session.HandleAsync(request, default);
        var again = await session.HandleAsync(request, default);

        Assert.Equal(first, again);
        Assert.Equal(CoapMessageType.Acknowledgement, Decode(first).Type);
        Assert.Equal(1, resource.Calls);
    }

    [Fact]
    public async Task An_unknown_critical_option_is_4_02_and_a_malformed_datagram_gets_a_Reset()
    {
        var resource = new CountingResource([1]);
        using var session = new CoapSession(Peer, resource, 4096);

        var badOption = Decode(await session.HandleAsync(Post([0x30], new CoapOption(2049, [1])), default));
        var reset = Decode(await session.HandleAsync([0x40, 0x02, 0x12, 0x34, 0xf1], default));

        Assert.Equal(CoapCodes.BadOption, badOption.Code);
        Assert.Equal(CoapMessageType.Reset, reset.Type);
        Assert.Equal((ushort)0x1234, reset.MessageId);
        Assert.Equal(0, resource.Calls);
    }
}
