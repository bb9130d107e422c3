using EstPortal.Tests.Support;
using Microsoft.Playwright;

namespace EstPortal.Tests.Browser;

/// <summary>
/// One real app and one headless Chromium for all browser tests; each test gets its own browser context (its own
/// cookies), so sign-ins do not leak between tests.
/// </summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public EstPortalHost Host { get; } = new();

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        // Without Chromium every browser test is skipped (or, under CI=true, fails in ExternalTool.Require).
        if (ExternalTool.Find(ChromiumPath) is null)
            return;
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task<PortalPage> NewPageAsync(int width = 1280, int height = 800)
    {
        ExternalTool.Require(ChromiumPath);
        var browser = _browser ?? throw new InvalidOperationException("Chromium was not launched");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.PortalUrl,
            // The portal's TLS certificate chains to the app's own CA, which the browser does not know.
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        return new PortalPage(await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalBrowserCollection : ICollectionFixture<PortalBrowserFixture>
{
    public const string Name = "Portal in a browser";
}
