using EstPortal.Coap;

namespace EstPortal.Tests.Coap;

public class CoapCodecTests
{
    private static CoapMessage Request(params CoapOption[] options) =>
        new(CoapMessageType.Confirmable, CoapCodes.Post, 0x1234, [1, 2, 3, 4], options, [0x30, 0x82]);

    [Fact]
    public void Encode_then_decode_gives_back_the_message_with_options_in_order()
    {
        var block = new BlockOption(5, true, 2).Encode();
        var message = Request(
            new CoapOption(CoapOptionNumbers.UriPath, ".well-known"u8.ToArray()),
            new CoapOption(CoapOptionNumbers.UriPath, "est"u8.ToArray()),
            new CoapOption(CoapOptionNumbers.ContentFormat, CoapUint.Encode(CoapContentFormats.Pkcs10)),
            new CoapOption(CoapOptionNumbers.Block1, block),
            new CoapOption(CoapOptionNumbers.Size1, CoapUint.Encode(70000)),
            new CoapOption(CoapOptionNumbers.ProxyUri, new byte[300]));

        Assert.True(CoapCodec.TryDecode(CoapCodec.Encode(message), out var decoded, out var error), error);

        Assert.Equal([".well-known", "est"], decoded.UriPath);
        Assert.Equal(286u, decoded.UintOption(CoapOptionNumbers.ContentFormat));
        Assert.Equal(70000u, decoded.UintOption(CoapOptionNumbers.Size1));
        Assert.Equal(new BlockOption(5, true, 2), decoded.Block1);
        Assert.Equal(300, decoded.First(CoapOptionNumbers.ProxyUri)!.Value.Value.Length);
        Assert.Equal(message.Token, decoded.Token);
        Assert.Equal(message.Payload, decoded.Payload);
        Assert.Equal((ushort)0x1234, decoded.MessageId);
    }

    [Fact]
    public void A_known_datagram_decodes_as_RFC_7252_lays_it_out()
    {
        // CON GET, MID 0x7d34, no token, Uri-Path "temperature" (RFC 7252 Appendix A's first example).
        byte[] datagram = [0x40, 0x01, 0x7d, 0x34, 0xbb, .. "temperature"u8];
        Assert.True(CoapCodec.TryDecode(datagram, out var message, out _));
        Assert.Equal(CoapMessageType.Confirmable, message.Type);
        Assert.Equal(CoapCodes.Get, message.Code);
        Assert.Equal(["temperature"], message.UriPath);
        Assert.Equal(datagram, CoapCodec.Encode(message));
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "shorter than the header", [0x40, 0x01] },
        { "version 2", [0x80, 0x01, 0, 1] },
        { "token length 9 is reserved", [0x49, 0x01, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { "truncated token", [0x44, 0x01, 0, 1, 1, 2] },
        { "delta nibble 15 is reserved", [0x40, 0x01, 0, 1, 0xf1, 0] },
        { "length nibble 15 is reserved", [0x40, 0x01, 0, 1, 0xbf, 0] },
        { "extended delta missing its byte", [0x40, 0x01, 0, 1, 0xd0] },
        { "extended length missing a byte", [0x40, 0x01, 0, 1, 0xbe, 0x01] },
        { "option longer than the message", [0x40, 0x01, 0, 1, 0xb5, (byte)'a'] },
        { "option number beyond 65535", [0x40, 0x01, 0, 1, 0xe0, 0xff, 0xff, 0xe0, 0xff, 0xff] },
        { "payload marker with no payload", [0x40, 0x01, 0, 1, 0xff] },
        { "empty message with a token", [0x41, 0x00, 0, 1, 7] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_datagrams_are_rejected_with_a_reason(string why, byte[] datagram)
    {
        Assert.False(CoapCodec.TryDecode(datagram, out var message, out var error), why);
        Assert.Null(message);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Random_bytes_and_every_truncation_of_a_real_request_never_throw()
    {
        var real = CoapCodec.Encode(Request(
            new CoapOption(CoapOptionNumbers.UriPath, "sen"u8.ToArray()),
            new CoapOption(CoapOptionNumbers.Block1, new BlockOption(1, true, 6).Encode())));
        for (var cut = 0; cut < real.Length; cut++)
            CoapCodec.TryDecode(real.AsSpan(0, cut), out _, out _);

        var random = new Random(9148);
        var buffer = new byte[64];
        for (var i = 0; i < 100_000; i++)
        {
            random.NextBytes(buffer);
            var length = random.Next(buffer.Length + 1);
            if (CoapCodec.TryDecode(buffer.AsSpan(0, length), out var decoded, out _))
            {
                // What decodes re-encodes and decodes to the same options.
                Assert.True(CoapCodec.TryDecode(CoapCodec.Encode(decoded), out var again, out _));
                Assert.Equal(decoded.Options.Select(o => o.Number), again.Options.Select(o => o.Number));
                _ = decoded.Block1;
                _ = decoded.Block2;
                _ = decoded.UriPath;
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { }, 0u, false, 0)]
    [InlineData(new byte[] { 0x0e }, 0u, true, 6)]
    [InlineData(new byte[] { 0x1a }, 1u, true, 2)]
    [InlineData(new byte[] { 0xff, 0xff, 0xf6 }, 0xfffffu, false, 6)]
    public void Block_options_decode_per_RFC_7959(byte[] value, uint number, bool more, int szx)
    {
        Assert.True(BlockOption.TryDecode(value, out var block));
        Assert.Equal(new BlockOption(number, more, szx), block);
        Assert.Equal(value, block.Encode());
    }

    [Theory]
    [InlineData(new byte[] { 0x07 })]                   // SZX 7 is reserved
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x06 })] // 4 bytes: a block number beyond 20 bits
    public void Block_options_outside_RFC_7959_are_refused(byte[] value) =>
        Assert.False(BlockOption.TryDecode(value, out _));

    [Fact]
    public void Block_number_beyond_20_bits_cannot_be_encoded() =>
        Assert.Throws<InvalidOperationException>(() => new BlockOption(BlockOption.MaxNumber + 1, false, 0).Encode());

    [Theory]
    [InlineData(0u, new byte[] { })]
    [InlineData(281u, new byte[] { 0x01, 0x19 })]
    [InlineData(0x1000000u, new byte[] { 1, 0, 0, 0 })]
    public void Uint_options_use_the_shortest_big_endian_form(uint value, byte[] expected)
    {
        Assert.Equal(expected, CoapUint.Encode(value));
        Assert.Equal(value, CoapUint.Decode(expected));
    }
}
