using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EstPortal.Tests.Operations;

/// <summary>
/// A webhook receiver on real Kestrel at http://127.0.0.1 that records every JSON POST; it can answer the first
/// requests with 500 to exercise the sender's retries.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private int _failuresLeft;
    private int _requests;

    private WebhookReceiver(int failFirst)
    {
        _failuresLeft = failFirst;
        var builder = WebApplication.CreateSlimBuilder();
        // The test output folder holds the app's appsettings.json with its HTTPS endpoints; this receiver wants none of it.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref _requests);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            _received.Writer.TryWrite(body);
            return Interlocked.Decrement(ref _failuresLeft) >= 0 ? Results.StatusCode(500) : Results.Ok();
        });
    }

    public string Url => _app.Urls.Single() + "/hook";

    /// <summary>Every POST that arrived, including the ones answered with 500.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var receiver = new WebhookReceiver(failFirst);
        await receiver._app.StartAsync();
        return receiver;
    }

    /// <summary>The next POSTed body that matches, waiting up to 30 s.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var body = await _received.Reader.ReadAsync(timeout.Token);
            if (match(body))
                return body;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The app's pooled keep-alive connection would otherwise hold a graceful stop for its full timeout.
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(quick.Token);
        await _app.DisposeAsync();
    }
}
