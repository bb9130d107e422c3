using System.Net;
using EstPortal.Admin;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Security;

/// <summary>
/// The sign-in cookie is checked against the operator's security stamp on every request, but only sign-in and the
/// pages that change the stamp write it — a failed check refuses the request without deleting the cookie: a slow
/// answer to an earlier request can no longer overwrite or delete the fresh cookie a stamp change just issued (seen as
/// "signed out right after turning TOTP on" in the browser tests).
/// </summary>
public sealed class PortalSessionCookieTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string SignInCookie = ".AspNetCore.Identity.Application=";

    [Fact]
    public async Task APageLoad_DoesNotIssueTheSignInCookieAgain()
    {
        var op = await host.AddOperatorAsync("cookie-quiet@example.com", OperatorRoles.Operator);
        var setCookies = new List<string>();
        using var client = PortalSignIn.NewClient(host, setCookies);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);
        Assert.Contains(setCookies, c => c.StartsWith(SignInCookie, StringComparison.Ordinal));

        setCookies.Clear();
        using var page = await client.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain(setCookies, c => c.StartsWith(SignInCookie, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAnswerArrivingAfterTotpWasTurnedOn_LeavesTheOperatorSignedIn()
    {
        var op = await host.AddOperatorAsync("cookie-race@example.com", OperatorRoles.Operator);
        var setCookies = new List<string>();
        var cookies = new CookieContainer();
        using var client = PortalSignIn.NewClient(host, setCookies, cookies);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);

        // A request the browser sent before the stamp changed (a page's script, the circuit's hub) …
        setCookies.Clear();
        using (var earlier = await client.GetAsync("/devices"))
            Assert.Equal(HttpStatusCode.OK, earlier.StatusCode);
        var lateAnswer = setCookies.Where(c => c.StartsWith(SignInCookie, StringComparison.Ordinal)).ToList();

        await PortalTwoFactor.EnableAsync(client);
        // … whose answer the browser receives only now: whatever cookie it carried is applied last.
        foreach (var cookie in lateAnswer)
            cookies.SetCookies(new Uri(host.PortalUrl), cookie);

        using var next = await client.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ARequestSentBeforeTotpWasTurnedOn_CheckedAfter_IsRefusedWithoutDeletingTheFreshCookie()
    {
        var op = await host.AddOperatorAsync("cookie-stale@example.com", OperatorRoles.Operator);
        var cookies = new CookieContainer();
        using var client = PortalSignIn.NewClient(host, cookies: cookies);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);
        // The cookie a request the browser sent before the stamp changed carries (a page's script, the circuit's
        // negotiation) …
        var earlierCookies = new CookieContainer();
        earlierCookies.Add(cookies.GetAllCookies());

        await PortalTwoFactor.EnableAsync(client);

        // … reaching the server's check only now: refused, and its answer leaves the browser's cookie alone — a
        // deletion applied after the setup page's fresh cookie would sign the operator out.
        var lateAnswerCookies = new List<string>();
        using (var earlier = PortalSignIn.NewClient(host, lateAnswerCookies, earlierCookies))
        using (var refused = await earlier.GetAsync("/devices"))
        {
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/Account/Login", refused.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(lateAnswerCookies, c => c.StartsWith(SignInCookie, StringComparison.Ordinal));

        using var next = await client.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ADemotedOperatorsCookie_NoLongerOpensAManagersPage_ButSignsOut()
    {
        // The cookie's roles are no longer refreshed from the database on each request; what stops a demoted
        // operator's cookie is the stamp ChangeRoleAsync updates.
        var op = await host.AddOperatorAsync("cookie-demoted@example.com", OperatorRoles.Operator);
        using var client = PortalSignIn.NewClient(host);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);
        using (var before = await client.GetAsync("/devices/import"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var operators = scope.ServiceProvider.GetRequiredService<OperatorAdmin>();
            var id = (await operators.ListAsync()).Single(o => o.Email == op.Email).Id;
            Assert.True((await operators.ChangeRoleAsync(id, OperatorRoles.Auditor, "test")).Succeeded);
        }

        using var after = await client.GetAsync("/devices/import");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisablingTheOperator_StillSignsOutTheirCookieAtTheNextRequest()
    {
        var op = await host.AddOperatorAsync("cookie-disabled@example.com", OperatorRoles.Operator);
        using var client = PortalSignIn.NewClient(host);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);
        using (var before = await client.GetAsync("/devices"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var operators = scope.ServiceProvider.GetRequiredService<OperatorAdmin>();
            var id = (await operators.ListAsync()).Single(o => o.Email == op.Email).Id;
            await operators.SetDisabledAsync(id, true, "test");
        }

        using var after = await client.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
