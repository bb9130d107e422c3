using EstPortal.Components;
using EstPortal.Components.Account;
using EstPortal.Est;

namespace EstPortal.Hosting;

internal static class RequestPipeline
{
    public static void UseEstPortal(this WebApplication app)
    {
        app.UseEndpointSeparation();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapEst();
        app.MapOperationsEndpoints();
        app.MapStaticAssets();
        app.MapPortalEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
    }
}
