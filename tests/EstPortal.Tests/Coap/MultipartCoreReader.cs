using System.Formats.Cbor;

namespace EstPortal.Tests.Coap;

/// <summary>Reads RFC 8710 multipart-core with the platform's CBOR reader, independent of the server's writer.</summary>
public static class MultipartCoreReader
{
    public static List<(int Format, byte[] Bytes)> Read(byte[] cbor)
    {
        var reader = new CborReader(cbor);
        var count = reader.ReadStartArray() ?? throw new InvalidDataException("indefinite array");
        var parts = new List<(int, byte[])>();
        for (var i = 0; i < count / 2; i++)
            parts.Add(((int)reader.ReadUInt32(), reader.ReadByteString()));
        reader.ReadEndArray();
        Assert.Equal(0, reader.BytesRemaining);
        return parts;
    }
}
