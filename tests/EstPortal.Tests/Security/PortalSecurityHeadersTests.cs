using System.Net;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Security;

/// <summary>Portal responses carry security headers and secure cookies; EST answers are left as EST clients expect.</summary>
public sealed class PortalSecurityHeadersTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task LoginPage_HasHstsNosniffCspWithFrameAncestorsAndSecureCookies()
    {
        using var client = host.CreateClient(host.PortalUrl);
        using var response = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Single(response, "Strict-Transport-Security"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        var csp = Single(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("'unsafe-eval'", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);

        // The antiforgery cookie of the sign-in form: Secure, HttpOnly, SameSite=Strict.
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie =>
        {
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task TwoFactorSignIn_EveryCookieOnTheWay_IsSecureHttpOnlyAndSameSiteStrict()
    {
        var op = await host.AddOperatorAsync("cookies-2fa@example.com", EstPortal.Data.Entities.OperatorRoles.Operator);
        using (var setup = PortalSignIn.NewClient(host))
        {
            await PortalSignIn.SignInAsync(setup, op.Email, op.Password);
            var authenticator = await PortalTwoFactor.EnableAsync(setup);

            var cookies = new List<string>();
            using var client = PortalSignIn.NewClient(host, cookies);
            // Password, then the code with "remember this machine": the application, two-factor user id and
            // remember-me cookies, the antiforgery cookie, and the deletions in between.
            await PortalTwoFactor.SignInWithTotpAsync(client, op.Email, op.Password, authenticator.Key, rememberMachine: true);
            using (await client.GetAsync("/devices")) { }

            foreach (var name in new[] { ".AspNetCore.Identity.Application", "Identity.TwoFactorUserId", "Identity.TwoFactorRememberMe" })
                Assert.Contains(cookies, c => c.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.All(cookies, cookie =>
            {
                Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            });
        }
    }

    [Fact]
    public async Task EstAnswers_CarryNoPortalHeaders()
    {
        using var client = host.CreateEstClient();
        using var response = await client.GetAsync("/.well-known/est/cacerts");

        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
}
