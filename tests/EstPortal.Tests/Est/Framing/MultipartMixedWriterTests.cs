using System.Text;
using EstPortal.Est.Framing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Tests.Est.Framing;

public sealed class MultipartMixedWriterTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
    private static readonly byte[] Certs = Enumerable.Range(0, 500).Select(i => (byte)(255 - (i % 256))).ToArray();

    [Theory]
    [InlineData(ServerKeyPartFormat.Pkcs8, "application/pkcs8")]
    [InlineData(ServerKeyPartFormat.EncryptedCms, "application/pkcs7-mime; smime-type=server-generated-key")]
    public async Task Write_MimeParserFindsTheKeyThenTheCertificatePart(ServerKeyPartFormat format, string keyMediaType)
    {
        var response = MultipartMixedWriter.WriteServerKeygenResponse(Key, format, Certs);

        var parts = await ReadParts(response);

        Assert.Equal(2, parts.Count);
        Assert.Equal(keyMediaType, parts[0].ContentType);
        Assert.Equal("base64", parts[0].TransferEncoding);
        Assert.Equal(Key, Convert.FromBase64String(parts[0].Body));
        Assert.Equal("application/pkcs7-mime; smime-type=certs-only", parts[1].ContentType);
        Assert.Equal("base64", parts[1].TransferEncoding);
        Assert.Equal(Certs, Convert.FromBase64String(parts[1].Body));
    }

    [Fact]
    public async Task Write_Default_PartBodiesAreSingleLinesOfBase64()
    {
        var parts = await ReadParts(MultipartMixedWriter.WriteServerKeygenResponse(Key, ServerKeyPartFormat.Pkcs8, Certs));

        Assert.All(parts, part => Assert.DoesNotContain('\n', part.Body));
    }

    [Fact]
    public async Task Write_WrapAt64_PartBodiesHave64CharacterCrlfLines()
    {
        var response = MultipartMixedWriter.WriteServerKeygenResponse(Key, ServerKeyPartFormat.Pkcs8, Certs, wrapAt64: true);

        var parts = await ReadParts(response);

        foreach (var part in parts)
        {
            var lines = part.Body.Split("\r\n");
            Assert.All(lines[..^1], line => Assert.Equal(64, line.Length));
            Assert.InRange(lines[^1].Length, 1, 64);
            Assert.DoesNotContain("\n", part.Body.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Equal(Key, Convert.FromBase64String(parts[0].Body));
    }

    [Fact]
    public void Write_Body_UsesCrlfOnlyAndEndsWithTheCloseDelimiter()
    {
        var response = MultipartMixedWriter.WriteServerKeygenResponse(Key, ServerKeyPartFormat.Pkcs8, Certs, false, "est-test");
        var text = Encoding.ASCII.GetString(response.Body);

        Assert.Equal("multipart/mixed; boundary=est-test", response.ContentType);
        Assert.StartsWith("--est-test\r\nContent-Type: application/pkcs8\r\nContent-Transfer-Encoding: base64\r\n\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n--est-test--\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TwoResponses_UseDifferentRandomBoundaries()
    {
        var first = MultipartMixedWriter.WriteServerKeygenResponse(Key, ServerKeyPartFormat.Pkcs8, Certs);
        var second = MultipartMixedWriter.WriteServerKeygenResponse(Key, ServerKeyPartFormat.Pkcs8, Certs);

        Assert.NotEqual(first.ContentType, second.ContentType);
        Assert.Matches("^multipart/mixed; boundary=est-[0-9a-f]{32}$", first.ContentType);
    }

    [Fact]
    public void Write_EmptyKey_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => MultipartMixedWriter.WriteServerKeygenResponse([], ServerKeyPartFormat.Pkcs8, Certs));
    }

    private static async Task<List<(string? ContentType, string? TransferEncoding, string Body)>> ReadParts(MultipartMixedBody response)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(response.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(response.Body));
        var parts = new List<(string?, string?, string)>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var body = new StreamReader(section.Body, Encoding.ASCII);
            parts.Add((section.ContentType, section.Headers!["Content-Transfer-Encoding"].ToString(), await body.ReadToEndAsync()));
        }

        return parts;
    }
}
