namespace EstPortal.Coap;

/// <summary>
/// The CoAP side of one DTLS session (RFC 7252 §4-5 message layer, RFC 7959 block-wise): duplicate detection by Message
/// ID, Block1 reassembly of request bodies, Block2 slicing of answers. A POST's answer is kept per path so a client that
/// asks for its later blocks (RFC 7959 §2.4) is served from here: the enrollment behind it runs once. Not thread-safe:
/// one session's datagrams are handled one after another.
/// </summary>
public sealed class CoapSession(CoapPeer peer, ICoapResource resource, int maxRequestBodyBytes) : IDisposable
{
    /// <summary>1024-byte blocks unless the client asks for smaller (RFC 7959 §2.2: SZX 6 is the largest).</summary>
    private const int DefaultBlockExponent = 6;
    private const int RememberedReplies = 32;

    private readonly Dictionary<ushort, byte[]> _replies = [];
    private readonly Queue<ushort> _replyOrder = new();
    private readonly Dictionary<string, MemoryStream> _uploads = [];
    private readonly Dictionary<string, CoapResponse> _answers = [];
    private ushort _nextMessageId = (ushort)Random.Shared.Next(ushort.MaxValue);

    public CoapPeer Peer => peer;

    /// <summary>The datagram to send back, or null for none (RFC 7252 §4.2/§4.3: what cannot be processed is rejected or ignored).</summary>
    public async Task<byte[]?> HandleAsync(byte[] datagram, CancellationToken cancellationToken)
    {
        if (!CoapCodec.TryDecode(datagram, out var message, out _))
            return Reject(datagram);
        if (message.Type is CoapMessageType.Acknowledgement or CoapMessageType.Reset)
            return null;
        // RFC 7252 §4.3: an Empty Confirmable ("CoAP ping") is answered with a Reset.
        if (message.IsEmpty || !message.IsRequest)
            return message.Type == CoapMessageType.Confirmable ? Reset(message.MessageId) : null;
        // RFC 7252 §4.5: a retransmitted Confirmable gets the same reply again, and is not processed twice.
        if (message.Type == CoapMessageType.Confirmable && _replies.TryGetValue(message.MessageId, out var previous))
            return previous;

        var (code, options, payload, sent) = await AnswerAsync(message, cancellationToken);
        var reply = CoapCodec.Encode(new CoapMessage(
            message.Type == CoapMessageType.Confirmable ? CoapMessageType.Acknowledgement : CoapMessageType.NonConfirmable,
            code, message.Type == CoapMessageType.Confirmable ? message.MessageId : _nextMessageId++, message.Token, options, payload));
        // A server-generated key sent whole is zeroed once encoded (RFC 7030 §4.4: the server keeps no copy); one sent
        // in blocks stays until its last block is asked for or the session ends.
        sent?.Dispose();
        if (message.Type == CoapMessageType.Confirmable)
            Remember(message.MessageId, reply);
        return reply;
    }

    private async Task<(byte Code, List<CoapOption> Options, byte[] Payload, IDisposable? Sent)> AnswerAsync(CoapMessage message, CancellationToken cancellationToken)
    {
        // RFC 7252 §5.4.1: a critical option we do not understand makes the request 4.02.
        if (message.Options.FirstOrDefault(o => CoapOptionNumbers.IsCritical(o.Number) && !CoapOptionNumbers.IsUnderstood(o.Number)) is { Value: not null } unknown)
            return Whole(CoapResponse.Diagnostic(CoapCodes.BadOption, $"option {unknown.Number} is not supported"));
        if (message.First(CoapOptionNumbers.Block1) is not null && message.Block1 is null
            || message.First(CoapOptionNumbers.Block2) is not null && message.Block2 is null)
            return Whole(CoapResponse.Diagnostic(CoapCodes.BadOption, "malformed Block1/Block2 option (RFC 7959 §2.2)"));

        var key = $"{message.Code}/{string.Join('/', message.UriPath)}";
        var block2 = message.Block2;

        // RFC 7959 §2.4: a later block of an answer already computed — served from the kept answer, never recomputed.
        if (block2 is { Number: > 0 } later)
        {
            if (_answers.TryGetValue(key, out var kept))
                return Slice(kept, later, null);
            if (message.Code != CoapCodes.Get)
                return Whole(CoapResponse.Diagnostic(CoapCodes.RequestEntityIncomplete, "no answer to continue: send the request again from block 0"));
        }

        var body = message.Payload;
        BlockOption? block1Echo = null;
        if (message.Block1 is { } block1)
        {
            var upload = Upload(key, block1);
            if (upload is null)
                return Whole(CoapResponse.Diagnostic(CoapCodes.RequestEntityIncomplete, $"block {block1.Number} does not follow the blocks received (RFC 7959 §2.5)"));
            if (upload.Length + message.Payload.Length > maxRequestBodyBytes)
            {
                Drop(key);
                var tooLarge = Whole(CoapResponse.Diagnostic(CoapCodes.RequestEntityTooLarge, $"the request body exceeds {maxRequestBodyBytes} bytes"));
                tooLarge.Options.Add(new CoapOption(CoapOptionNumbers.Size1, CoapUint.Encode((uint)maxRequestBodyBytes)));
                return tooLarge;
            }
            upload.Write(message.Payload);
            if (block1.More)
            {
                // RFC 7959 §2.3: 2.31 Continue acknowledges the block; the body is processed when the last arrives.
                return (CoapCodes.Continue, [new CoapOption(CoapOptionNumbers.Block1, block1.Encode())], [], null);
            }
            body = upload.ToArray();
            Drop(key);
            block1Echo = block1;
        }
        else if (message.Payload.Length > maxRequestBodyBytes)
        {
            return Whole(CoapResponse.Diagnostic(CoapCodes.RequestEntityTooLarge, $"the request body exceeds {maxRequestBodyBytes} bytes"));
        }

        var request = new CoapRequest(message.Code, message.UriPath,
            [.. message.All(CoapOptionNumbers.UriQuery).Select(o => System.Text.Encoding.UTF8.GetString(o.Value))],
            (int?)message.UintOption(CoapOptionNumbers.ContentFormat), (int?)message.UintOption(CoapOptionNumbers.Accept), body);
        var answer = await resource.HandleAsync(peer, request, cancellationToken);

        // A client that sent its body in small Block1 pieces gets the answer in pieces of that size too: it told us what
        // it can handle (RFC 7959 §2.5: the size a client uses is a hint for the other direction).
        var asked = block2 ?? new BlockOption(0, false, block1Echo?.SizeExponent ?? DefaultBlockExponent);
        if (block2 is null && answer.Payload.Length <= asked.Size)
            return Whole(answer, block1Echo);
        Keep(key, answer);
        return Slice(answer, asked, block1Echo);
    }

    /// <summary>The upload buffer for this block, or null when the block is out of order.</summary>
    private MemoryStream? Upload(string key, BlockOption block)
    {
        if (block.Number == 0)
        {
            Drop(key);
            _uploads[key] = new MemoryStream();
        }
        if (!_uploads.TryGetValue(key, out var upload) || upload.Length != block.Offset)
        {
            Drop(key);
            return null;
        }
        return upload;
    }

    private void Drop(string key)
    {
        if (_uploads.Remove(key, out var upload))
            upload.Dispose();
    }

    private void Keep(string key, CoapResponse answer)
    {
        if (_answers.Remove(key, out var old))
            old.Secret?.Dispose();
        _answers[key] = answer;
    }

    private static (byte Code, List<CoapOption> Options, byte[] Payload, IDisposable? Sent) Whole(CoapResponse answer, BlockOption? block1Echo = null)
    {
        var options = Options(answer);
        if (block1Echo is { } echo)
            options.Add(new CoapOption(CoapOptionNumbers.Block1, echo.Encode()));
        return (answer.Code, options, answer.Payload, answer.Secret);
    }

    /// <summary>RFC 7959 §2.2: block NUM of the answer, with M set while more follow and Size2 (§4) giving the total.</summary>
    private static (byte Code, List<CoapOption> Options, byte[] Payload, IDisposable? Sent) Slice(CoapResponse answer, BlockOption asked, BlockOption? block1Echo)
    {
        var size = asked.Size;
        if (asked.Offset >= answer.Payload.Length && !(asked.Number == 0 && answer.Payload.Length == 0))
            return Whole(CoapResponse.Diagnostic(CoapCodes.BadOption, $"block {asked.Number} is beyond the end of the answer"));
        var offset = (int)asked.Offset;
        var length = Math.Min(size, answer.Payload.Length - offset);
        var more = offset + length < answer.Payload.Length;
        var options = Options(answer);
        options.Add(new CoapOption(CoapOptionNumbers.Block2, new BlockOption(asked.Number, more, asked.SizeExponent).Encode()));
        if (asked.Number == 0)
            options.Add(new CoapOption(CoapOptionNumbers.Size2, CoapUint.Encode((uint)answer.Payload.Length)));
        if (block1Echo is { } echo)
            options.Add(new CoapOption(CoapOptionNumbers.Block1, echo.Encode()));
        return (answer.Code, options, answer.Payload.AsSpan(offset, length).ToArray(), null);
    }

    private static List<CoapOption> Options(CoapResponse answer)
    {
        var options = new List<CoapOption>();
        if (answer.ContentFormat is { } format)
            options.Add(new CoapOption(CoapOptionNumbers.ContentFormat, CoapUint.Encode((uint)format)));
        if (answer.MaxAge is { } maxAge)
            options.Add(new CoapOption(CoapOptionNumbers.MaxAge, CoapUint.Encode(maxAge)));
        return options;
    }

    private void Remember(ushort messageId, byte[] reply)
    {
        if (_replies.Count >= RememberedReplies && _replyOrder.TryDequeue(out var oldest))
            _replies.Remove(oldest);
        _replies[messageId] = reply;
        _replyOrder.Enqueue(messageId);
    }

    /// <summary>RFC 7252 §4.2: a Confirmable we cannot process is answered with a Reset, when its header is readable.</summary>
    private static byte[]? Reject(byte[] datagram) =>
        datagram.Length >= 4 && datagram[0] >> 6 == 1 && ((datagram[0] >> 4) & 0x3) == (int)CoapMessageType.Confirmable
            ? Reset((ushort)((datagram[2] << 8) | datagram[3]))
            : null;

    private static byte[] Reset(ushort messageId) =>
        CoapCodec.Encode(new CoapMessage(CoapMessageType.Reset, CoapCodes.Empty, messageId, [], [], []));

    public void Dispose()
    {
        foreach (var upload in _uploads.Values)
            upload.Dispose();
        foreach (var answer in _answers.Values)
            answer.Secret?.Dispose();
        foreach (var reply in _replies.Values)
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(reply);
        _uploads.Clear();
        _answers.Clear();
    }
}
