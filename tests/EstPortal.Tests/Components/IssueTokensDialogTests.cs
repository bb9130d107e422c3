using System.Text.RegularExpressions;
using Bunit;
using EstPortal.Components.OneTime;
using EstPortal.Components.Pages.Tokens;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Components;

public sealed class IssueTokensDialogTests : PortalComponentTest
{
    private const string Owner = "operator:someone@example.com";

    private OneTimeDownloads Downloads => Context.Services.GetRequiredService<OneTimeDownloads>();

    [Fact]
    public async Task IssuesTheCount_AndOffersTheCsvAndThePrintableSheetOnceEach()
    {
        await CreateDefaultCaAsync();
        await Profiles.AddAsync("line3", "line3", null, EstPortal.Policy.CsrPolicy.Default, requiresApproval: false, false, "test");
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokensDialog>();

        dialog.Find("#tokens-count").Change("4");
        dialog.Find("#tokens-note").Change("line 3 crew");
        var profile = dialog.FindComponent<MudBlazor.MudSelect<string>>();
        await profile.InvokeAsync(() => profile.Instance.SelectOption("line3"));
        dialog.Find("[data-testid=issue-tokens-submit]").Click();
        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=tokens-csv]")));

        var csvId = dialog.Find("[data-testid=tokens-csv]").GetAttribute("href")!.Split('/')[^1];
        var rows = (await DeviceImportPageTests.ReadAsync(Downloads.Take(csvId, Owner)!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,token,expiresAt,device,profile,note", rows[0]);
        Assert.Equal(4, rows.Length - 1);
        var tokens = rows.Skip(1).Select(r => r.Split(',')[1]).ToList();
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var hashes = await db.BootstrapTokens.Select(t => t.TokenHash).ToListAsync();
            Assert.All(tokens, t => Assert.Contains(hashes, h => DeviceSecrets.Matches(t, h)));
        }
        Assert.Null(Downloads.Take(csvId, Owner));

        var sheetId = dialog.Find("[data-testid=tokens-sheet]").GetAttribute("href")!.Split('/')[^1];
        var sheet = await DeviceImportPageTests.ReadAsync(Downloads.Take(sheetId, Owner)!);
        Assert.Equal(4, Regex.Count(sheet, "data-testid=\"sheet-qr\""));
        Assert.All(tokens, t => Assert.Contains($"--user &quot;any:{t}&quot;", sheet, StringComparison.Ordinal));
        Assert.Contains($"{EstUrl}/.well-known/est/line3/simpleenroll", sheet, StringComparison.Ordinal);
        Assert.Contains("@media print", sheet, StringComparison.Ordinal);
        Assert.Null(Downloads.Take(sheetId, Owner));
    }

    [Fact]
    public async Task ClosingTheDialog_DiscardsWhatWasNotDownloaded()
    {
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<IssueTokensDialog>();
        dialog.Find("[data-testid=issue-tokens-submit]").Click();
        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=tokens-csv]")));
        var csvId = dialog.Find("[data-testid=tokens-csv]").GetAttribute("href")!.Split('/')[^1];

        dialog.Find("[data-testid=issue-tokens-done]").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=issue-tokens-dialog]")));
        Assert.Null(Downloads.Take(csvId, Owner));
    }
}
