using System.Security.Cryptography;
using System.Text;
using EstPortal.Enrollment;
using EstPortal.Est;
using Microsoft.AspNetCore.Http;

namespace EstPortal.Tests.Est;

/// <summary>RFC 7030 §4.4: the server keeps no copy of a generated key — not even in a buffer after the answer is sent.</summary>
public sealed class ServerGeneratedKeyAnswerTests
{
    private static readonly byte[] CertsOnly = [0x30, 0x03, 0x02, 0x01, 0x01];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AfterTheAnswerIsWritten_TheKeyAndTheBodyHoldingItAreZero(bool wrapAt64)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pkcs8 = ec.ExportPkcs8PrivateKey();
        var key = new ServerGeneratedKey(pkcs8.ToArray(), encrypted: false);
        var result = EstResults.ServerGeneratedKey(key, CertsOnly, wrapAt64);
        var context = new DefaultHttpContext();
        using var sent = new MemoryStream();
        context.Response.Body = sent;

        await result.ExecuteAsync(context);

        // The client got the key ...
        var body = Encoding.ASCII.GetString(sent.ToArray()).Replace("\r\n", "", StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(pkcs8), body);
        // ... and nothing of ours still holds it.
        Assert.All(key.Content, b => Assert.Equal(0, b));
        Assert.All(result.Body, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task WhenWritingFails_TheKeyAndTheBodyAreZeroAnyway()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new ServerGeneratedKey(ec.ExportPkcs8PrivateKey(), encrypted: false);
        var result = EstResults.ServerGeneratedKey(key, CertsOnly, wrapAt64: false);
        var context = new DefaultHttpContext();
        context.Response.Body = new BrokenStream();

        await Assert.ThrowsAsync<IOException>(() => result.ExecuteAsync(context));

        Assert.All(key.Content, b => Assert.Equal(0, b));
        Assert.All(result.Body, b => Assert.Equal(0, b));
    }

    [Fact]
    public void ServerGeneratedKey_Dispose_ZeroesItsContent()
    {
        var content = RandomNumberGenerator.GetBytes(64);
        var key = new ServerGeneratedKey(content, encrypted: false);

        key.Dispose();

        Assert.All(content, b => Assert.Equal(0, b));
    }

    /// <summary>A client that went away mid-answer.</summary>
    private sealed class BrokenStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("connection reset"));
    }
}
