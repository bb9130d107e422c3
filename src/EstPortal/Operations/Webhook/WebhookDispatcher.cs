using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace EstPortal.Operations.Webhook;

/// <summary>
/// Posts queued webhook messages one at a time, retrying failures after 1 s, 2 s and 4 s. The queue is bounded and
/// <see cref="TryEnqueue"/> never waits, so a slow or dead receiver can never hold up an enrollment: when the queue
/// is full the message is dropped with a warning. Messages still queued at shutdown are lost.
/// </summary>
internal sealed class WebhookDispatcher(
    IHttpClientFactory clients,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "EstPortal.Webhook";
    public const int QueueCapacity = 1000;
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly Channel<WebhookMessage> _queue = Channel.CreateBounded<WebhookMessage>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public bool TryEnqueue(WebhookMessage message)
    {
        if (_queue.Writer.TryWrite(message))
            return true;
        logger.LogWarning("Webhook queue full ({Capacity} messages): dropped a {Event} message", QueueCapacity, message.Event);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = new Uri(options.Value.Url ?? throw new InvalidOperationException("the webhook is not configured"));
        await foreach (var message in _queue.Reader.ReadAllAsync(stoppingToken))
            await DeliverAsync(url, message, stoppingToken);
    }

    private async Task DeliverAsync(Uri url, WebhookMessage message, CancellationToken stoppingToken)
    {
        var client = clients.CreateClient(HttpClientName);
        for (var attempt = 0; ; attempt++)
        {
            var failure = await PostAsync(client, url, message, stoppingToken);
            if (failure is null)
                return;
            if (attempt == RetryDelays.Length)
            {
                logger.LogWarning("Webhook {Event} not delivered after {Attempts} attempts: {Failure}", message.Event, attempt + 1, failure);
                return;
            }
            logger.LogInformation("Webhook {Event} attempt {Attempt} failed ({Failure}); retrying in {Delay}", message.Event, attempt + 1, failure, RetryDelays[attempt]);
            await Task.Delay(RetryDelays[attempt], time, stoppingToken);
        }
    }

    /// <returns>Null when the receiver accepted it (2xx); otherwise what went wrong.</returns>
    private static async Task<string?> PostAsync(HttpClient client, Uri url, WebhookMessage message, CancellationToken stoppingToken)
    {
        using var content = new ByteArrayContent(message.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        try
        {
            using var response = await client.PostAsync(url, content, stoppingToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
        catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return "timed out";
        }
    }
}
