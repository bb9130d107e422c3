using System.Net;
using System.Text.RegularExpressions;
using EstPortal.Data.Entities;
using EstPortal.Tests.Authorization;
using EstPortal.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Api;

/// <summary>
/// Every row of <see cref="PortalAccessTable.Api"/> called over HTTPS with a real key of each role, a revoked key, an
/// expired key and no key. Allowed: the operation runs (no 401/403, never a 5xx). Another role: 403 problem. No,
/// revoked or expired key: 401 problem with a Bearer challenge.
/// </summary>
public sealed partial class ApiAccessTests(ApiAccessTests.Fixture fixture) : IClassFixture<ApiAccessTests.Fixture>
{
    [Theory]
    [MemberData(nameof(PortalAccessTable.ApiCases), MemberType = typeof(PortalAccessTable))]
    public async Task Operation_IsOpenOnlyToTheRolesInTheTable(string operation, ApiCaller caller)
    {
        var rule = PortalAccessTable.Api.Single(r => r.Operation == operation);
        using var request = await fixture.RequestAsync(rule);
        using var response = await fixture.Clients[caller].SendAsync(request);
        var status = (int)response.StatusCode;

        var who = caller switch
        {
            ApiCaller.AuditorKey => Who.Auditor,
            ApiCaller.OperatorKey => Who.Operator,
            ApiCaller.AdminKey => Who.Admin,
            _ => Who.Anonymous,
        };
        if (who == Who.Anonymous)
        {
            await ApiCalls.AssertProblemAsync(response, 401);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        else if (PortalAccessTable.ApiAllows(operation, who))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status is not (401 or 403) && status < 500, $"{caller} {operation}: {status} {body}");
        }
        else
        {
            await ApiCalls.AssertProblemAsync(response, 403);
        }
    }

    /// <summary>A new API route without a row would escape the check above.</summary>
    [Fact]
    public void EveryApiRoute_HasARowInTheTable_AndEveryRowARoute()
    {
        var routes = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order().ToList();
        Assert.Equal(PortalAccessTable.Api.Select(r => r.Operation).Order(), routes);
    }

    /// <summary>A browser session must not be ridden into the API (CSRF): only a key authenticates /api/v1.</summary>
    [Fact]
    public async Task PortalAdminCookie_DoesNotAuthenticateTheApi()
    {
        var admin = await fixture.Host.AddOperatorAsync("cookie-admin@example.com", OperatorRoles.Admin);
        using var browser = PortalSignIn.NewClient(fixture.Host);
        await PortalSignIn.SignInAsync(browser, admin.Email, admin.Password);

        using var response = await browser.PostJsonAsync("/api/v1/devices", """{"name":"by-cookie"}""");

        await ApiCalls.AssertProblemAsync(response, 401);
        Assert.Null(await fixture.Host.Services.GetRequiredService<EstPortal.Admin.DeviceAdmin>().FindAsync("by-cookie"));
    }

    public sealed partial class Fixture : IAsyncLifetime
    {
        public EstPortalHost Host { get; } = new();
        public Dictionary<ApiCaller, HttpClient> Clients { get; } = [];

        public async Task InitializeAsync()
        {
            await Host.InitializeAsync();
            await Host.AddDeviceAsync("access-device");
            Clients[ApiCaller.NoKey] = ApiCalls.Client(Host, null);
            Clients[ApiCaller.AuditorKey] = ApiCalls.Client(Host, await ApiCalls.CreateKeyAsync(Host, "auditor", OperatorRoles.Auditor));
            Clients[ApiCaller.OperatorKey] = ApiCalls.Client(Host, await ApiCalls.CreateKeyAsync(Host, "operator", OperatorRoles.Operator));
            Clients[ApiCaller.AdminKey] = ApiCalls.Client(Host, await ApiCalls.CreateKeyAsync(Host, "admin", OperatorRoles.Admin));
            Clients[ApiCaller.RevokedKey] = ApiCalls.Client(Host, await ApiCalls.CreateKeyAsync(Host, "revoked", OperatorRoles.Admin));
            await Host.Services.GetRequiredService<EstPortal.Admin.ApiKeyAdmin>().RevokeAsync("revoked", "test");
            Clients[ApiCaller.ExpiredKey] = ApiCalls.Client(Host, await ApiCalls.CreateKeyAsync(Host, "expired", OperatorRoles.Admin, TimeSpan.FromDays(1)));
            await ApiCalls.ExpireKeyAsync(Host, "expired");
        }

        /// <summary>A request an allowed caller would get through: existing names, fresh tokens, well-formed bodies.</summary>
        public async Task<HttpRequestMessage> RequestAsync(ApiRule rule)
        {
            var path = rule.Route.Replace("{name}", "access-device", StringComparison.Ordinal)
                .Replace("{serial}", "7EADBEEF00112233", StringComparison.Ordinal);
            if (path.Contains("{id}", StringComparison.Ordinal))
            {
                var id = path.StartsWith("/api/v1/tokens", StringComparison.Ordinal) ? (await Host.IssueTokenAsync()).Id : Guid.NewGuid();
                path = path.Replace("{id}", id.ToString(), StringComparison.Ordinal);
            }
            var request = new HttpRequestMessage(new HttpMethod(rule.Method), path);
            if (rule.Method == "POST")
            {
                request.Content = ApiCalls.Json(rule.Route switch
                {
                    "/api/v1/devices" => $$"""{"name":"access-{{Guid.NewGuid():N}}"}""",
                    "/api/v1/certificates/{serial}/revoke" => """{"reason":"superseded"}""",
                    "/api/v1/approvals/{id}/reject" => """{"reason":"not ours"}""",
                    _ => "{}",
                });
            }
            return request;
        }

        public async Task DisposeAsync()
        {
            foreach (var client in Clients.Values)
                client.Dispose();
            await Host.DisposeAsync();
        }
    }
}
