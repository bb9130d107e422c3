using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Usage: EstPortal.Bench.PortalTiming <portal-url> <email> <password> [--runs 5] [--screenshots DIR] [--only PATH] [--pause SECONDS]
// Signs in once, then for each page: navigates (a full page load, new circuit) and stops the clock when the page's
// grid shows data rendered by the interactive circuit (rows, or the dashboard's figures). --only times one page;
// --pause waits between loads, e.g. past the dashboard's 5 s figure cache so that every load queries afresh.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: EstPortal.Bench.PortalTiming <portal-url> <email> <password> [--runs 5] [--screenshots DIR] [--only PATH] [--pause SECONDS]");
    return 2;
}
var (url, email, password) = (args[0].TrimEnd('/'), args[1], args[2]);
var runs = 5;
string? screenshots = null;
string? only = null;
var pause = TimeSpan.Zero;
for (var i = 3; i < args.Length; i++)
{
    if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--screenshots") screenshots = args[++i];
    else if (args[i] == "--only") only = args[++i];
    else if (args[i] == "--pause") pause = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
}

(string Path, string Ready)[] pages =
[
    ("/devices", "[data-testid='device-link']"),
    ("/certificates", "[data-testid='issued-certificate-link']"),
    ("/certificates?state=expiring", "[data-testid='issued-certificate-link']"),
    ("/tokens", "[data-testid='token-state']"),
    ("/audit", "[data-testid='audit-grid'] .mud-table-body tr"),
    ("/", "[data-testid='refusal-grid'] .mud-table-body tr"),
];

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
});
var context = await browser.NewContextAsync(new() { BaseURL = url, IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1280, Height = 800 } });
context.SetDefaultTimeout(60_000);
var page = await context.NewPageAsync();
await page.GotoAsync("/Account/Login");
await page.GetByLabel("Email").FillAsync(email);
await page.GetByLabel("Password").FillAsync(password);
await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
await page.WaitForURLAsync(u => !u.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));

Console.WriteLine($"| page | first (ms) | median of {runs} (ms) | min | max |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var (path, ready) in pages.Where(p => only is null || p.Path == only))
{
    var times = new List<double>();
    string? failure = null;
    for (var run = 0; run <= runs && failure is null; run++)
    {
        if (run > 0)
            await Task.Delay(pause);
        var clock = Stopwatch.StartNew();
        var response = await page.GotoAsync(path);
        if (response is { Status: 404 })
        {
            failure = "not in this build (404)";
            break;
        }
        try
        {
            await page.Locator("[data-interactive='true']").WaitForAsync();
            await page.Locator(ready).First.WaitForAsync();
        }
        catch (TimeoutException)
        {
            failure = "no rows within 60 s";
            break;
        }
        times.Add(clock.Elapsed.TotalMilliseconds);
        if (run == 0 && screenshots is not null)
        {
            Directory.CreateDirectory(screenshots);
            await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"bench{path.Replace('/', '_').Replace('?', '_')}.png"), FullPage = true });
        }
    }
    if (failure is not null)
    {
        Console.WriteLine($"| {path} | {failure} | | | |");
        continue;
    }
    var warm = times.Skip(1).Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {path} | {times[0]:F0} | {warm[warm.Count / 2]:F0} | {warm[0]:F0} | {warm[^1]:F0} |"));
}
return 0;
