using System.Security.Cryptography;
using System.Text;
using EstPortal.Est;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Operations.Metrics;

/// <summary>
/// Optional second lock on the scrape endpoint: with <c>EstPortal:Metrics:BearerToken</c> set, a scrape must send
/// <c>Authorization: Bearer &lt;token&gt;</c> (Prometheus: <c>authorization: { credentials_file: … }</c>); anything else
/// gets 401 with a Bearer challenge (RFC 6750 §3).
/// </summary>
internal static class MetricsBearerToken
{
    public static IApplicationBuilder UseMetricsBearerToken(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (string.IsNullOrEmpty(options.BearerToken))
            return app;
        var path = new PathString(options.Path);
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.BearerToken));
        return app.UseWhen(context => context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase), metrics => metrics.Use(async (context, next) =>
        {
            if (!Presents(context.Request.Headers.Authorization.ToString(), expected))
            {
                await EstResults.Error(StatusCodes.Status401Unauthorized, "a bearer token is required for metrics",
                    new Dictionary<string, string> { [HeaderNames.WWWAuthenticate] = "Bearer realm=\"metrics\"" }).ExecuteAsync(context);
                return;
            }
            await next(context);
        }));
    }

    private static bool Presents(string authorization, byte[] expected)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        // Hashes of equal length, compared in constant time: the comparison says nothing about the token's length or prefix.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim())), expected);
    }
}
