using EstPortal.Data.Entities;
using EstPortal.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.StaticAssets;

namespace EstPortal.Components.Account;

/// <summary>
/// Enforces <c>EstPortal:Portal:RequireTwoFactor</c> on the server: an operator it names who has no TOTP
/// authenticator yet reaches only the authenticator setup page, sign-out and static assets. Every other portal
/// request — pages, downloads, the Blazor circuit's hub — is redirected to the setup page (GET) or refused (403),
/// so the rule does not depend on any page or link remembering it.
/// </summary>
internal static class TwoFactorSetupGate
{
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";

    private static readonly string[] AllowedPaths = [SetupPath, "/Account/Logout"];

    public static IApplicationBuilder UseTwoFactorSetupGate(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!MayPass(context) && KestrelEndpoints.EndpointOf(context) is null or KestrelEndpoints.Portal)
            {
                var rule = context.RequestServices.GetRequiredService<TwoFactorSetupRule>();
                if (rule.AppliesTo(context.User)
                    && await rule.MustSetUpAsync(context.User, context.RequestServices.GetRequiredService<UserManager<Operator>>()))
                {
                    await RefuseAsync(context);
                    return;
                }
            }
            await next(context);
        });

    private static bool MayPass(HttpContext context) =>
        context.User.Identity?.IsAuthenticated != true
        || AllowedPaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
        // Stylesheets and scripts the setup page itself needs; they hold nothing of the portal's data.
        || context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null;

    private static Task RefuseAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Redirect(SetupPath);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync($"Set up two-factor sign-in first: {SetupPath}");
    }
}
