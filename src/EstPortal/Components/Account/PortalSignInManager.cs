using System.Security.Claims;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EstPortal.Components.Account;

/// <summary>
/// Identity's sign-in manager, plus the rule that a disabled operator cannot sign in (password, passkey, 2FA) and
/// that a cookie of a disabled operator stops validating (the cookie's security stamp check calls
/// <see cref="ValidateSecurityStampAsync(ClaimsPrincipal)"/>).
/// </summary>
internal sealed class PortalSignInManager(
    UserManager<Operator> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<Operator> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<Operator>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Operator> confirmation)
    : SignInManager<Operator>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Operator user) => !user.Disabled && await base.CanSignInAsync(user);

    public override async Task<Operator?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { Disabled: true } ? null : user;
    }
}
