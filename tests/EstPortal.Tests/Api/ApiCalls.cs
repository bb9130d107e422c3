using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EstPortal.Admin;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Api;

/// <summary>Real API keys and HTTPS clients that send them, as a provisioning system would.</summary>
public static class ApiCalls
{
    public static async Task<string> CreateKeyAsync(EstPortalHost host, string name, string role, TimeSpan? lifetime = null)
    {
        var result = await host.Services.GetRequiredService<ApiKeyAdmin>().CreateAsync(name, role, lifetime, "test");
        return result.Value?.Key ?? throw new InvalidOperationException(result.Error);
    }

    /// <summary>Moves a key's expiry into the past, as the clock would (straight in the database, as time passing would leave it).</summary>
    public static Task ExpireKeyAsync(EstPortalHost host, string name) =>
        host.ExecuteOutsideAppAsync($"UPDATE \"ApiKeys\" SET \"ExpiresAt\" = {DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks} WHERE \"Name\" = '{name}'");

    /// <summary>An HTTPS client on the portal endpoint sending <paramref name="key"/> (none: no Authorization header).</summary>
    public static HttpClient Client(EstPortalHost host, string? key)
    {
        var client = host.CreateClient(host.PortalUrl);
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) => client.PostAsync(path, Json(json));

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>An RFC 9457 problem document with the status and a detail; returns the detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }
}
