using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EstPortal.Components.Account;

/// <summary>
/// Identity's security-stamp check, without touching the browser's sign-in cookie in either outcome: a passed check
/// does not re-issue it, a failed one refuses the request without deleting it.
/// </summary>
/// <remarks>
/// The portal checks the stamp on every request (<see cref="SecurityStampValidatorOptions.ValidationInterval"/> is
/// zero). Identity's own validator answers each check with a cookie: a fresh one built from the stamp it just read when
/// the check passes, a deletion when it fails. Either can undo a stamp change the operator just made (turning TOTP on,
/// a new password), whose page answered with a fresh cookie: a request the browser sent before — a page's script, the
/// circuit's negotiation — that the server checks or answers after it carries the old cookie, and its answer, applied
/// last, overwrites or deletes the fresh one; the operator's next click signs them out (seen in the browser tests under
/// load). So neither outcome writes the cookie. A refused cookie left in the browser opens nothing: its stamp never
/// matches again and every request checks it. The cookie's claims need no refreshing — every change that would alter
/// them (role, disabling) also changes the stamp — and the cookie's own sliding expiration still renews it.
/// </remarks>
internal sealed class PortalSecurityStampValidator(
    IOptions<SecurityStampValidatorOptions> options,
    SignInManager<Operator> signInManager,
    ILoggerFactory logger)
    : SecurityStampValidator<Operator>(options, signInManager, logger)
{
    public override async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var issued = context.Properties.IssuedUtc;
        if (issued is not null && TimeProvider.GetUtcNow() - issued.Value <= Options.ValidationInterval)
        {
            return;
        }

        if (await VerifySecurityStamp(context.Principal) is null)
        {
            context.RejectPrincipal();
        }
    }
}
