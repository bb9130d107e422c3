using System.Diagnostics;
using System.Net;
using System.Text;
using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

/// <summary>
/// Bulk onboarding as an operator does it in the portal: a CSV of devices checked and created with a progress bar, a
/// batch of bootstrap tokens as CSV and as a printable QR sheet — the secrets downloadable once, then gone.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class BulkOnboardingTests(PortalBrowserFixture fixture, ITestOutputHelper output)
{
    private const int FleetSize = 10_000;

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task CsvWithProblems_ShowsThemByLine_AndCreatesNothing()
    {
        await fixture.Host.AddDeviceAsync("bulk-existing");
        await using var portal = await SignedInOperatorAsync("operator-bulk-errors@example.com");
        await portal.GotoInteractiveAsync("/devices");
        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("import-devices"), portal.Page.Locator("#import-file"));
        await portal.WaitForCircuitAsync();

        await UploadAsync(portal, "plant.csv",
            "san,name,description\n" +
            "dns:{device}.plant.example,bulk-ok-1,fine\n" +
            ",bulk-ok-1,the same name again\n" +
            ",bulk:colon,a colon\n" +
            ",bulk-existing,already registered\n" +
            "dns:(,bulk-ok-2,a broken pattern\n");

        await Expect(portal.ByTestId("import-problems-summary")).ToContainTextAsync("4 problem(s) in plant.csv. No device was created");
        var lines = await portal.ByTestId("import-problem-line").AllInnerTextsAsync();
        Assert.Equal(["3", "4", "5", "6"], lines.Select(l => l.Trim()));
        await Expect(portal.ByTestId("import-problems")).ToContainTextAsync("also on line 2");
        await Expect(portal.ByTestId("import-create")).ToHaveCountAsync(0);
        await portal.ScreenshotAsync("import-problems");
        var devices = fixture.Host.Services.GetRequiredService<DeviceAdmin>();
        Assert.Null(await devices.FindAsync("bulk-ok-1"));
        Assert.Null(await devices.FindAsync("bulk-ok-2"));
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task TenThousandDevices_AreCreatedInSecondsWithProgress_AndTheirCredentialsDownloadOnce_AndEnroll()
    {
        var csv = new StringBuilder("name,description,san\n");
        for (var i = 1; i <= FleetSize; i++)
            csv.Append(FormattableString.Invariant($"fleet-{i:00000},Hall {i % 7},dns:{{device}}.plant.example\n"));
        await using var portal = await SignedInOperatorAsync("operator-bulk-fleet@example.com");
        await portal.GotoInteractiveAsync("/devices/import");

        var checking = Stopwatch.StartNew();
        await UploadAsync(portal, "fleet.csv", csv.ToString());
        await Expect(portal.ByTestId("import-create")).ToContainTextAsync("Create 10,000 devices", new() { Timeout = 120_000 });
        checking.Stop();

        var creating = Stopwatch.StartNew();
        await portal.ByTestId("import-create").ClickAsync();
        await Expect(portal.ByTestId("import-progress")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("import-result")).ToContainTextAsync("10,000 devices created", new() { Timeout = 180_000 });
        creating.Stop();
        output.WriteLine($"10,000-line CSV through the portal: upload + check {checking.Elapsed.TotalSeconds:0.0} s, create {creating.Elapsed.TotalSeconds:0.0} s " +
                         $"(page says: {(await portal.ByTestId("import-result").InnerTextAsync()).Trim()})");
        // Seconds on a quiet machine (ADR 0024); the bound only catches a page that went per-device, on a CI runner
        // shared with other jobs (ADR 0027: 47–90 s at load average 35–45 on 2 cores, the service alone 39 s there).
        Assert.True(creating.Elapsed < TimeSpan.FromSeconds(240), $"creating 10,000 devices took {creating.Elapsed.TotalSeconds:0.0} s");
        await portal.ScreenshotAsync("import-done");

        var link = portal.ByTestId("import-credentials");
        var href = await link.GetAttributeAsync("href") ?? throw new InvalidOperationException("no download link");
        var download = await portal.Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var rows = (await File.ReadAllTextAsync(await download.PathAsync())).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,secret", rows[0]);
        Assert.Equal(FleetSize, rows.Length - 1);

        var again = await portal.Page.APIRequest.GetAsync(href);
        Assert.Equal((int)HttpStatusCode.Gone, again.Status);
        Assert.DoesNotContain(rows[1].Split(',')[1], await again.TextAsync(), StringComparison.Ordinal);

        var (name, secret) = (rows[4321].Split(',')[0], rows[4321].Split(',')[1]);
        using var client = fixture.Host.CreateEstClient();
        using var response = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={name}"), name, secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal($"CN={name}", issued.Subject);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task SeveralTokens_ComeOnceAsCsv_AndOnceAsAPrintablePageOfQrCodesCarryingTheirCommands()
    {
        const int count = 3;
        await using var portal = await SignedInOperatorAsync("operator-bulk-tokens@example.com");
        await portal.GotoInteractiveAsync("/tokens");
        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("issue-tokens"), portal.Page.Locator("#tokens-count"));
        await portal.Page.Locator("#tokens-count").FillAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await portal.Page.Locator("#tokens-note").FillAsync("hall 4 installers");
        await portal.Page.Locator("#tokens-count").BlurAsync();
        await portal.ByTestId("issue-tokens-submit").ClickAsync();
        await Expect(portal.ByTestId("tokens-once-warning")).ToBeVisibleAsync();
        await portal.ScreenshotAsync("tokens-issued-several");

        var csvLink = portal.ByTestId("tokens-csv");
        var csvHref = await csvLink.GetAttributeAsync("href") ?? throw new InvalidOperationException("no CSV link");
        var download = await portal.Page.RunAndWaitForDownloadAsync(() => csvLink.ClickAsync());
        var rows = (await File.ReadAllTextAsync(await download.PathAsync())).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,token,expiresAt,device,profile,note", rows[0]);
        var tokens = rows.Skip(1).Select(r => r.Split(',')[1]).ToList();
        Assert.Equal(count, tokens.Count);
        Assert.Equal((int)HttpStatusCode.Gone, (await portal.Page.APIRequest.GetAsync(csvHref)).Status);

        var sheetLink = portal.ByTestId("tokens-sheet");
        var sheetHref = await sheetLink.GetAttributeAsync("href") ?? throw new InvalidOperationException("no sheet link");
        var sheet = await portal.Page.Context.RunAndWaitForPageAsync(() => sheetLink.ClickAsync());
        await sheet.WaitForLoadStateAsync();
        var codes = sheet.Locator("[data-testid='sheet-qr']");
        await Expect(codes).ToHaveCountAsync(count);
        var decoded = new List<string>();
        for (var i = 0; i < count; i++)
            decoded.Add(await QrCodeReader.DecodeAsync(codes.Nth(i)));
        Assert.Equal(tokens.Select(t => $"--user \"any:{t}\"").Order(), decoded.Select(TokenOption).Order());
        Assert.All(decoded, d => Assert.Contains($"{fixture.Host.EstUrl}/.well-known/est/simpleenroll", d, StringComparison.Ordinal));
        var printed = await sheet.Locator("[data-testid='sheet-command']").AllInnerTextsAsync();
        Assert.Equal(decoded, printed);
        await sheet.ScreenshotAsync(new() { Path = Path.Combine(PortalBrowserFixture.ScreenshotDirectory, "token-sheet.png"), FullPage = true });
        Assert.Equal((int)HttpStatusCode.Gone, (await portal.Page.APIRequest.GetAsync(sheetHref)).Status);

        using var client = fixture.Host.CreateEstClient();
        using var enrolled = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create("CN=hall4-device-1"), "installer", tokens[0]);
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Auditor_SeesNeitherBulkControl_AndCannotOpenTheImportPageOrAOneTimeFile()
    {
        var auditor = await fixture.Host.AddOperatorAsync("auditor-bulk@example.com", OperatorRoles.Auditor);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);

        await portal.GotoInteractiveAsync("/devices");
        await Expect(portal.ByTestId("device-grid")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("import-devices")).ToHaveCountAsync(0);
        await portal.GotoInteractiveAsync("/tokens");
        await Expect(portal.ByTestId("token-grid")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("issue-tokens")).ToHaveCountAsync(0);

        await portal.Page.GotoAsync("/devices/import");
        await Expect(portal.ByTestId("import-file")).ToHaveCountAsync(0);
        Assert.True(portal.Page.Url.Contains("/Account/AccessDenied", StringComparison.Ordinal)
                    || (await portal.Page.ContentAsync()).Contains("Your role does not allow this page", StringComparison.Ordinal),
            $"the Auditor reached {portal.Page.Url}");

        // An Operator's file stays out of reach even with its URL in hand.
        var op = await fixture.Host.AddOperatorAsync("operator-bulk-owner@example.com", OperatorRoles.Operator);
        var offered = fixture.Host.Services.GetRequiredService<EstPortal.Components.OneTime.OneTimeDownloads>()
            .Offer("operator:" + op.Email, EstPortal.Components.OneTime.OneTimeFile.Text("x.csv", "text/csv", "name,secret\nx,y\n"));
        var response = await portal.Page.APIRequest.GetAsync("/" + EstPortal.Components.OneTime.OneTimeDownloads.PathOf(offered),
            new() { MaxRedirects = 0 });
        Assert.NotEqual(200, response.Status);
        Assert.DoesNotContain("name,secret", await response.TextAsync(), StringComparison.Ordinal);
    }

    private async Task<PortalPage> SignedInOperatorAsync(string email)
    {
        var op = await fixture.Host.AddOperatorAsync(email, OperatorRoles.Operator);
        var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        return portal;
    }

    private static Task UploadAsync(PortalPage portal, string name, string content) =>
        portal.Page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(content) });

    private static string TokenOption(string command) =>
        System.Text.RegularExpressions.Regex.Match(command, "--user \"any:[^\"]+\"").Value;
}
