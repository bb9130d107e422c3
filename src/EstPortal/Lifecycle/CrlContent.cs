namespace EstPortal.Lifecycle;

/// <summary>An open CRL content stream and what keeps it readable (reader, command, context); disposing closes them all.</summary>
public sealed class CrlContent(Stream stream, long length, params IAsyncDisposable[] owners) : IAsyncDisposable
{
    public Stream Stream { get; } = stream;

    public long Length { get; } = length;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        foreach (var owner in owners)
            await owner.DisposeAsync();
    }
}
