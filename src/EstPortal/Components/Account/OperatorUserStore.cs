using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace EstPortal.Components.Account;

/// <summary>
/// Identity's EF Core user store, except that the TOTP authenticator key and the recovery codes are encrypted before
/// they reach the user-token table and decrypted when read. Identity reads and writes both only through
/// <see cref="GetTokenAsync"/> and <see cref="SetTokenAsync"/> (authenticator key, recovery-code count, redeem and
/// replace), so these two overrides cover every path.
/// </summary>
internal sealed class OperatorUserStore(EstPortalDbContext context, TwoFactorSecretProtector protector, IdentityErrorDescriber? describer = null)
    : UserStore<Operator, IdentityRole, EstPortalDbContext>(context, describer)
{
    public override async Task<string?> GetTokenAsync(Operator user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return stored is not null && TwoFactorSecretProtector.IsTwoFactorSecret(loginProvider, name) ? protector.Unprotect(stored) : stored;
    }

    public override Task SetTokenAsync(Operator user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
    {
        if (value is not null && TwoFactorSecretProtector.IsTwoFactorSecret(loginProvider, name))
            value = protector.Protect(value);
        return base.SetTokenAsync(user, loginProvider, name, value, cancellationToken);
    }
}
