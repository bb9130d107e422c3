using System.Security.Claims;
using EstPortal.Est;
using Microsoft.Extensions.Options;

namespace EstPortal.Api;

/// <summary>
/// Runs around every authorized API call: the per-key rate limit (RFC 6585 §4: 429 with Retry-After), then a structured
/// log line naming the key ("apikey:NAME"), the operation and its answer. State changes are audited as chained rows by
/// the application services they call, with the same actor (ADR 0020).
/// </summary>
public sealed partial class ApiCallFilter(IOptions<ApiOptions> options, ILogger<ApiCallFilter> logger) : IEndpointFilter, IDisposable
{
    private readonly PerMinuteLimit _limit = new(options.Value.RequestsPerMinute);

    public static string ActorOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.ActorClaim) ?? throw new InvalidOperationException("not an API key caller");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var actor = ActorOf(http.User);
        if (_limit.Refuse(actor) is { } seconds)
        {
            var (name, value) = PerMinuteLimit.RetryAfterHeader(seconds);
            http.Response.Headers[name] = value;
            LogCall(actor, http.Request.Method, http.Request.Path, StatusCodes.Status429TooManyRequests);
            return ApiProblems.Problem(StatusCodes.Status429TooManyRequests,
                $"This key may make {options.Value.RequestsPerMinute} requests a minute; retry after {seconds} s.", "Too many requests");
        }
        var result = await next(context);
        LogCall(actor, http.Request.Method, http.Request.Path, (result as IStatusCodeHttpResult)?.StatusCode ?? http.Response.StatusCode);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API {Method} {Path} by {Actor}: {Status}")]
    private partial void LogCall(string actor, string method, string path, int? status);

    public void Dispose() => _limit.Dispose();
}
