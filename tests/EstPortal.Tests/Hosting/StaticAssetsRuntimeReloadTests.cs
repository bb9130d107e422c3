using EstPortal.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// Run from the build output, ASP.NET Core's MapStaticAssets adds a catch-all route that looks for each GET's path on
/// disk (to serve files a developer adds while the app runs). Outside Development the app turns it off: it cost an
/// lstat per /cacerts, CRL and OCSP request (bench/est-load-profile.md).
/// </summary>
public sealed class StaticAssetsRuntimeReloadTests
{
    private const string RuntimeFallbackPattern = "{**path:file}";

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Development", true)]
    public async Task TheFileLookingFallbackRoute_IsThereOnlyInDevelopment(string environment, bool expected)
    {
        await using var host = EstPortalHost.Create(extraSettings: new() { ["environment"] = environment });
        await host.InitializeAsync();

        var patterns = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText).ToList();

        // The portal's own assets are served either way.
        using var portal = host.CreateClient(host.PortalUrl);
        using var css = await portal.GetAsync("/_content/MudBlazor/MudBlazor.min.css");
        Assert.Equal(System.Net.HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(expected, patterns.Contains(RuntimeFallbackPattern));
    }

    [Fact]
    public async Task AnOperatorWhoWantsItInProduction_CanStillTurnItOn()
    {
        await using var host = EstPortalHost.Create(extraSettings: new() { ["environment"] = "Production", ["ReloadStaticAssetsAtRuntime"] = "true" });
        await host.InitializeAsync();

        Assert.Contains(host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>(),
            e => e.RoutePattern.RawText == RuntimeFallbackPattern);
    }
}
