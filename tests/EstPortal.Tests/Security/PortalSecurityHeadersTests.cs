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
    public async Task EstAnswers_CarryNoPortalHeaders()
    {
        using var client = host.CreateEstClient();
        using var response = await client.GetAsync("/.well-known/est/cacerts");

        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
}
