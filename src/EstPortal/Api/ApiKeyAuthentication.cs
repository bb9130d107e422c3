using System.Security.Claims;
using System.Text.Encodings.Web;
using EstPortal.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Api;

/// <summary>
/// `Authorization: Bearer estp_…` (RFC 6750 §2.1) for /api/v1 only. The principal carries the key's role, so the same
/// role rules as the portal apply (PortalRoles), and its name is the audit actor "apikey:NAME". Portal cookies never
/// authenticate the API: its endpoints name this scheme alone, so a browser session cannot be ridden (CSRF) into an
/// API call. The EST endpoint's device bearer tokens are another thing on another endpoint.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAdmin keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ActorClaim = "estportal:actor";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <API key>'.");
        var caller = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, caller.Name),
                new Claim(ClaimTypes.Role, caller.Role),
                new Claim(ActorClaim, caller.Actor),
            ], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>401 with a challenge (RFC 6750 §3) and a problem document saying what to send.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure
            ?? (await Context.AuthenticateAsync(SchemeName)).Failure;
        Response.Headers[HeaderNames.WWWAuthenticate] = failure is null
            ? "Bearer realm=\"EstPortal API\""
            : "Bearer realm=\"EstPortal API\", error=\"invalid_token\"";
        await ApiProblems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure?.Message ?? "Send an API key as 'Authorization: Bearer <key>'; an Admin creates keys on the portal's API keys page or with 'apikey add'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"The key's role ({Context.User.FindFirstValue(ClaimTypes.Role)}) may not do this; see the access table in the README (an Operator or Admin key changes devices, tokens and certificates; the audit log needs Auditor or Admin).");
}
