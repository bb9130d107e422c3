using EstPortal.Data.Entities;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using EstPortal.Data;

namespace EstPortal.Components.Account;

// A server-side AuthenticationStateProvider that revalidates the connected operator every minute while an
// interactive circuit is connected: a disabled account, a changed security stamp (role change, password reset), or a
// two-factor setup the portal requires and the operator has not done, ends the circuit's sign-in.
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        TwoFactorSetupRule twoFactorSetup)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<Operator>>();
        // An operator who must set up TOTP first (EstPortal:Portal:RequireTwoFactor) keeps no circuit either.
        return await ValidateSecurityStampAsync(userManager, authenticationState.User)
            && !await twoFactorSetup.MustSetUpAsync(authenticationState.User, userManager);
    }

    private async Task<bool> ValidateSecurityStampAsync(UserManager<Operator> userManager, ClaimsPrincipal principal)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.Disabled)
        {
            return false;
        }
        else if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }
        else
        {
            var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
            var userStamp = await userManager.GetSecurityStampAsync(user);
            return principalStamp == userStamp;
        }
    }
}
