using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

/// <summary>The CRL writer's entry buffer: memory up to 1 MiB, then a temporary file that disposing removes (ADR 0030).</summary>
public sealed class SpillingBufferTests
{
    [Fact]
    public void PastTheMemoryLimit_TheBytesGoToATemporaryFile_ReadBackInOrder_AndNoFileOutlivesTheBuffer()
    {
        var bytes = new byte[SpillingBuffer.MemoryLimit + 300_000];
        new Random(7).NextBytes(bytes);
        string path;
        using (var buffer = new SpillingBuffer())
        {
            // Written in entry-sized pieces, as the CRL writer does.
            for (var at = 0; at < bytes.Length; at += 45)
            {
                buffer.Write(bytes.AsSpan(at, Math.Min(45, bytes.Length - at)));
                Assert.Equal(at + 45 > SpillingBuffer.MemoryLimit, buffer.Spilled);
            }
            path = Assert.IsType<string>(buffer.SpillPath);
            Assert.StartsWith(Path.GetTempPath(), path, StringComparison.Ordinal);
            // Unlinked at once where the OS allows it: a killed server leaves no file behind.
            Assert.Equal(OperatingSystem.IsWindows(), File.Exists(path));

            var read = new byte[bytes.Length];
            var piece = new byte[64 * 1024];
            for (long at = 0; at < read.Length;)
            {
                var count = buffer.Read(at, piece);
                Assert.True(count > 0, $"nothing read at {at} of {read.Length}");
                piece.AsSpan(0, count).CopyTo(read.AsSpan((int)at));
                at += count;
            }
            Assert.Equal(bytes, read);
            Assert.Equal(0, buffer.Read(bytes.Length, piece));
        }
        Assert.False(File.Exists(path), $"{path} outlived its buffer");
    }

    [Fact]
    public void WithinTheMemoryLimit_NoFileIsMade()
    {
        using var buffer = new SpillingBuffer();
        buffer.Write(new byte[SpillingBuffer.MemoryLimit]);

        Assert.False(buffer.Spilled);
        Assert.Null(buffer.SpillPath);
        Assert.Equal(SpillingBuffer.MemoryLimit, buffer.Length);
    }
}
