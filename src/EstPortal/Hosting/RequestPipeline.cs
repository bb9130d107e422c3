using EstPortal.Api;
using EstPortal.Components;
using EstPortal.Components.Account;
using EstPortal.Est;
using EstPortal.Lifecycle;
using EstPortal.Transport;

namespace EstPortal.Hosting;

internal static class RequestPipeline
{
    public static void UseEstPortal(this WebApplication app)
    {
        app.UseEndpointSeparation();
        app.UseTrustedReverseProxies();
        app.UsePortalSecurityHeaders();
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseEstPortalApiErrors();

        app.UseAuthentication();
        app.UseTwoFactorSetupGate();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapEst();
        app.MapRevocationPublishing();
        app.MapOperationsEndpoints();
        app.MapStaticAssets();
        app.MapPortalEndpoints();
        app.MapEstPortalApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
    }
}
