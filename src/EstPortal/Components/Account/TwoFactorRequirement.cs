using System.Security.Claims;
using EstPortal.Data.Entities;
using EstPortal.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EstPortal.Components.Account;

/// <summary>Whose portal sign-in must include a TOTP authenticator (<c>EstPortal:Portal:RequireTwoFactor</c>).</summary>
public enum TwoFactorRequirement
{
    /// <summary>TOTP is each operator's choice.</summary>
    None,

    /// <summary>Admins must set up TOTP: they can change CAs, profiles and operator accounts.</summary>
    Admin,

    /// <summary>Every operator must set up TOTP.</summary>
    All,
}

/// <summary>
/// Decides whether a signed-in operator still has to set up TOTP before using the portal. Asked by
/// <see cref="TwoFactorSetupGate"/> on every portal request and by the circuit's revalidation, so the rule holds
/// for pages, downloads and open Blazor circuits alike.
/// </summary>
public sealed class TwoFactorSetupRule(IOptions<EstPortalOptions> options)
{
    public TwoFactorRequirement Requirement { get; } = options.Value.Portal.TwoFactorRequirement;

    /// <summary>Whether the requirement names this operator (by the roles in their sign-in).</summary>
    public bool AppliesTo(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && Requirement switch
    {
        TwoFactorRequirement.All => true,
        TwoFactorRequirement.Admin => user.IsInRole(OperatorRoles.Admin),
        _ => false,
    };

    /// <summary>True when the operator is named by the requirement and has no TOTP authenticator enabled yet.</summary>
    public async Task<bool> MustSetUpAsync(ClaimsPrincipal principal, UserManager<Operator> users)
    {
        if (!AppliesTo(principal))
            return false;
        var user = await users.GetUserAsync(principal);
        // No user: the cookie's own validation signs the request out; nothing to set up.
        return user is not null && !await users.GetTwoFactorEnabledAsync(user);
    }
}
