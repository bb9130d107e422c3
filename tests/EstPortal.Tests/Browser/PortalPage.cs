using Microsoft.Playwright;

namespace EstPortal.Tests.Browser;

/// <summary>A page in its own browser context, with the moves every portal test makes.</summary>
public sealed class PortalPage : IAsyncDisposable
{
    private readonly List<string> _cspViolations = [];

    public PortalPage(IPage page)
    {
        Page = page;
        // Chromium reports every Content-Security-Policy violation on the console: a page that needs something the
        // policy blocks shows up here.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (_cspViolations) _cspViolations.Add(message.Text);
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> CspViolations
    {
        get { lock (_cspViolations) return _cspViolations.ToList(); }
    }

    public ILocator ByTestId(string id) => Page.Locator($"[data-testid='{id}']");

    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("/Account/Login");
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Navigates and waits until the Blazor circuit has taken over the prerendered page.</summary>
    public async Task GotoInteractiveAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitForCircuitAsync();
    }

    public async Task WaitForCircuitAsync()
    {
        try
        {
            await Page.Locator("[data-interactive='true']").WaitForAsync();
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync("failed-circuit-" + DateTime.UtcNow.Ticks);
            throw;
        }
    }

    /// <summary>
    /// Clicks until <paramref name="expected"/> shows: a click that lands while the circuit is still attaching
    /// handlers does nothing, so one retry is normal.
    /// </summary>
    public static async Task ClickUntilVisibleAsync(ILocator target, ILocator expected, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            await target.ClickAsync();
            try
            {
                await expected.WaitForAsync(new() { Timeout = 3_000 });
                return;
            }
            catch (TimeoutException) when (attempt < attempts)
            {
            }
        }
    }

    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(PortalBrowserFixture.ScreenshotDirectory, name + ".png"),
            FullPage = true,
        });
    }

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
