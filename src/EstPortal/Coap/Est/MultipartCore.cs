namespace EstPortal.Coap.Est;

/// <summary>
/// RFC 8710 application/multipart-core: a CBOR array (RFC 8949) of alternating Content-Format numbers (unsigned
/// integers) and representations (byte strings). Only what EST needs: writing one.
/// </summary>
public static class MultipartCore
{
    public static byte[] Write(params (int ContentFormat, byte[] Representation)[] parts)
    {
        using var buffer = new MemoryStream();
        Head(buffer, 4, (ulong)parts.Length * 2);
        foreach (var (format, representation) in parts)
        {
            Head(buffer, 0, (ulong)format);
            Head(buffer, 2, (ulong)representation.Length);
            buffer.Write(representation);
        }
        return buffer.ToArray();
    }

    /// <summary>RFC 8949 §3: major type in the top 3 bits, the argument in the shortest form.</summary>
    private static void Head(Stream output, int majorType, ulong argument)
    {
        var major = (byte)(majorType << 5);
        switch (argument)
        {
            case < 24:
                output.WriteByte((byte)(major | (byte)argument));
                break;
            case <= byte.MaxValue:
                output.Write([(byte)(major | 24), (byte)argument]);
                break;
            case <= ushort.MaxValue:
                output.Write([(byte)(major | 25), (byte)(argument >> 8), (byte)argument]);
                break;
            default:
                output.Write([(byte)(major | 26), (byte)(argument >> 24), (byte)(argument >> 16), (byte)(argument >> 8), (byte)argument]);
                break;
        }
    }
}
