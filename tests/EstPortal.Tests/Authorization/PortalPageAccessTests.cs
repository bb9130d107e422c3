using System.Net;
using System.Net.Security;
using System.Reflection;
using System.Text.RegularExpressions;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Authorization;

/// <summary>
/// Every page and download of <see cref="PortalAccessTable"/>, fetched over HTTPS with the cookie a real sign-in gives
/// each role (anonymous: none). Allowed: 200 with the page. Denied: a redirect to the sign-in page (anonymous), or to
/// Access denied / the role message (signed in).
/// </summary>
public sealed partial class PortalPageAccessTests(PortalPageAccessTests.Fixture fixture) : IClassFixture<PortalPageAccessTests.Fixture>
{
    [Theory]
    [MemberData(nameof(PortalAccessTable.PageCases), MemberType = typeof(PortalAccessTable))]
    public async Task Page_IsOpenOnlyToTheRolesInTheTable(string path, Who who)
    {
        var client = await fixture.ClientAsync(who);
        using var response = await client.GetAsync(fixture.Fill(path));
        var body = await response.Content.ReadAsStringAsync();
        var location = response.Headers.Location?.OriginalString ?? "";

        if (PortalAccessTable.PageAllows(path, who))
        {
            // A download of an unknown certificate answers 404 to a permitted caller: allowed, nothing there.
            // A one-time file nobody offered is gone (410) for a permitted caller, as one already taken is.
            var expected = path.StartsWith("/portal/certificates/", StringComparison.Ordinal) ? HttpStatusCode.NotFound
                : path.StartsWith("/portal/once/", StringComparison.Ordinal) ? HttpStatusCode.Gone
                : HttpStatusCode.OK;
            Assert.True(response.StatusCode == expected, $"{who} GET {path}: expected {expected}, got {(int)response.StatusCode} {location}");
            Assert.DoesNotContain("Your role does not allow this page", body, StringComparison.Ordinal);
        }
        else if (who == Who.Anonymous)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/Login", location, StringComparison.Ordinal);
        }
        else
        {
            var denied = (response.StatusCode == HttpStatusCode.Redirect && location.Contains("/Account/AccessDenied", StringComparison.Ordinal))
                         || response.StatusCode == HttpStatusCode.Forbidden
                         || body.Contains("Your role does not allow this page", StringComparison.Ordinal);
            Assert.True(denied, $"{who} GET {path} was not denied: {(int)response.StatusCode} {location}");
        }
    }

    /// <summary>A new page without a row in the table would escape the check above.</summary>
    [Fact]
    public void EveryRoutablePortalPage_HasARowInTheTable()
    {
        var tablePaths = PortalAccessTable.Pages.Select(p => Normalize(p.Path.Split('?')[0])).ToHashSet();
        var routes = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => "/" + r.Template.TrimStart('/'))
            .Where(r => !r.StartsWith("/Account/", StringComparison.OrdinalIgnoreCase) || r.StartsWith("/Account/Manage", StringComparison.OrdinalIgnoreCase))
            .Where(r => r is not ("/setup" or "/Error" or "/not-found"))
            // Identity's own management sub-pages share the Manage layout's rule; two representative rows cover them.
            .Where(r => !r.StartsWith("/Account/Manage/", StringComparison.OrdinalIgnoreCase) || r == "/Account/Manage/TwoFactorAuthentication")
            .ToList();
        var missing = routes.Where(r => !tablePaths.Contains(Normalize(r))).ToList();
        Assert.True(missing.Count == 0, "Routes without a row in PortalAccessTable: " + string.Join(", ", missing));
    }

    private static string Normalize(string path) => Placeholder().Replace(path, "{}").ToLowerInvariant();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholder();

    public sealed partial class Fixture : IAsyncLifetime
    {
        private readonly Dictionary<Who, HttpClient> _clients = [];

        public EstPortalHost Host { get; } = new();
        public Guid CaId { get; private set; }
        public Guid DeviceId { get; private set; }

        public async Task InitializeAsync()
        {
            await Host.InitializeAsync();
            CaId = (await Host.Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync())?.Id ?? throw new InvalidOperationException("no default CA");
            DeviceId = (await Host.AddDeviceAsync("table-device")).Id;
            _clients[Who.Anonymous] = NewClient();
            foreach (var who in new[] { Who.Auditor, Who.Operator, Who.Admin })
            {
                var account = await Host.AddOperatorAsync($"table-{who.ToString().ToLowerInvariant()}@example.com", who.ToString());
                var client = NewClient();
                await PortalSignIn.SignInAsync(client, account.Email, account.Password);
                _clients[who] = client;
            }
        }

        public Task<HttpClient> ClientAsync(Who who) => Task.FromResult(_clients[who]);

        public string Fill(string path) => path.Replace("{ca}", CaId.ToString(), StringComparison.Ordinal)
            .Replace("{device}", DeviceId.ToString(), StringComparison.Ordinal)
            .Replace("{profile}", "default", StringComparison.Ordinal)
            .Replace("{certificate}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{pending}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{once}", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal);

        private HttpClient NewClient() => new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            // The portal's certificate chains to the app's own CA.
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && Host.ChainsToCa(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
            },
        })
        { BaseAddress = new Uri(Host.PortalUrl) };

        public async Task DisposeAsync()
        {
            foreach (var client in _clients.Values)
                client.Dispose();
            await Host.DisposeAsync();
        }
    }
}
