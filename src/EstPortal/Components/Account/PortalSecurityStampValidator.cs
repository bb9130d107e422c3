using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EstPortal.Components.Account;

/// <summary>
/// Identity's security-stamp check, without re-issuing the sign-in cookie on every request that passes it.
/// </summary>
/// <remarks>
/// The portal checks the stamp on every request (<see cref="SecurityStampValidatorOptions.ValidationInterval"/> is
/// zero), and Identity answers each passed check with a fresh cookie built from the stamp it just read. A request still
/// in flight when the stamp changes (turning TOTP on, a new password) then answers after the page that changed it and
/// overwrites that page's fresh cookie with one carrying the old stamp: the operator's next click signs them out. The
/// cookie's claims need no refreshing here — every change that would alter them (role, disabling) also changes the
/// stamp, which signs the cookie out — and the cookie's own sliding expiration still renews it.
/// </remarks>
internal sealed class PortalSecurityStampValidator(
    IOptions<SecurityStampValidatorOptions> options,
    SignInManager<Operator> signInManager,
    ILoggerFactory logger)
    : SecurityStampValidator<Operator>(options, signInManager, logger)
{
    protected override Task SecurityStampVerified(Operator user, CookieValidatePrincipalContext context) => Task.CompletedTask;
}
