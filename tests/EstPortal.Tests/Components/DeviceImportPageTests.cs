using Bunit;
using EstPortal.Components.OneTime;
using EstPortal.Components.Pages.Devices;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Components;

/// <summary>The import page over the real <see cref="EstPortal.Admin.DeviceImport"/> and a real SQLite file.</summary>
public sealed class DeviceImportPageTests : PortalComponentTest
{
    private const string Owner = "operator:someone@example.com";

    private OneTimeDownloads Downloads => Context.Services.GetRequiredService<OneTimeDownloads>();

    [Fact]
    public async Task FileWithProblems_ListsEachByItsLine_AndCreatesNothing()
    {
        await Devices.AddAsync("taken-1", null, "test");
        SignInAs(OperatorRoles.Operator);
        var page = Context.Render<DeviceImportPage>();

        const string csv = "description,name,san\n" +
                           "fine,pump-1,dns:{device}.plant.example\n" +
                           "twice,pump-1,\n" +
                           "colon,bad:name,\n" +
                           "exists,taken-1,\n" +
                           "pattern,pump-2,dns:(\n";
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader(csv), "plant.csv"));
        page.Render();

        var lines = page.FindAll("[data-testid=import-problem-line]").Select(l => l.TextContent.Trim()).ToList();
        Assert.Equal(["3", "4", "5", "6"], lines);
        Assert.Contains("also on line 2", page.Find("[data-testid=import-problems]").TextContent, StringComparison.Ordinal);
        Assert.Contains("already exists", page.Find("[data-testid=import-problems]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=import-create]"));
        Assert.Null(await Devices.FindAsync("pump-1"));
    }

    [Fact]
    public async Task FileWithoutANameColumn_SaysSoOnLine1()
    {
        SignInAs(OperatorRoles.Operator);
        var page = Context.Render<DeviceImportPage>();
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader("description\nsomething\n"), "x.csv"));
        page.Render();
        Assert.Equal("1", page.Find("[data-testid=import-problem-line]").TextContent.Trim());
        Assert.Contains("no 'name' column", page.Find("[data-testid=import-problems]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileAboveTheLimit_IsRefusedWithTheLimit_BeforeItIsRead()
    {
        SignInAs(OperatorRoles.Operator);
        var page = Context.Render<DeviceImportPage>();
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[DeviceImportPage.MaxFileBytes + 1], "huge.csv"));
        page.WaitForAssertion(() => Assert.Contains("at most 8 MB", page.Find("[data-testid=import-problems]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidFile_CreatesEveryDevice_AndItsCredentialsAreOfferedOnce()
    {
        SignInAs(OperatorRoles.Operator);
        var page = Context.Render<DeviceImportPage>();
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader("name,san\npump-1,dns:{device}.plant.example\npump-2,\npump-3,\n"), "plant.csv"));
        page.Render();
        Assert.Contains("Create 3 devices", page.Find("[data-testid=import-create]").TextContent, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Instance.CreateAsync());
        page.Render();

        page.WaitForAssertion(() => Assert.Contains("3 devices created", page.Find("[data-testid=import-result]").TextContent, StringComparison.Ordinal));
        var id = page.Find("[data-testid=import-credentials]").GetAttribute("href")!.Split('/')[^1];
        var csv = await ReadAsync(Downloads.Take(id, Owner) ?? throw new InvalidOperationException("not offered"));
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,secret", rows[0]);
        Assert.Equal(["pump-1", "pump-2", "pump-3"], rows.Skip(1).Select(r => r.Split(',')[0]));
        await using var db = await Contexts.CreateDbContextAsync();
        foreach (var row in rows.Skip(1).Select(r => r.Split(',')))
        {
            var hash = await db.DeviceCredentials.Where(c => c.Device!.Name == row[0]).Select(c => c.SecretHash).SingleAsync();
            Assert.True(DeviceSecrets.Matches(row[1], hash), $"the secret of {row[0]} does not match its stored hash");
        }
        Assert.Null(Downloads.Take(id, Owner));
    }

    /// <summary>ADR 0024: a batch that meets a name added meanwhile is not created; its lines come back to import again.</summary>
    [Fact]
    public async Task NameTakenBetweenCheckAndCreate_LeavesARetryableRemainder_AndNoDuplicate()
    {
        SignInAs(OperatorRoles.Operator);
        var page = Context.Render<DeviceImportPage>();
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader("name\nrace-1\nrace-2\n"), "race.csv"));
        page.Render();
        await Devices.AddAsync("race-2", "added by someone else meanwhile", "test");

        await page.InvokeAsync(() => page.Instance.CreateAsync());
        page.Render();

        Assert.Contains("0 devices created", page.Find("[data-testid=import-result]").TextContent, StringComparison.Ordinal);
        Assert.Contains("import the remaining 2 lines again", page.Find("[data-testid=import-result]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=import-credentials]"));
        var id = page.Find("[data-testid=import-remainder]").GetAttribute("href")!.Split('/')[^1];
        var remainder = await ReadAsync(Downloads.Take(id, Owner)!);
        Assert.Equal(["name,description,san,idevid", "race-1,,,", "race-2,,,"], remainder.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Equal(1, await db.Devices.CountAsync(d => d.Name == "race-2"));
        Assert.Equal(0, await db.Devices.CountAsync(d => d.Name == "race-1"));
    }

    [Fact]
    public async Task LeavingThePage_DiscardsTheCredentialsNotDownloaded()
    {
        SignInAs(OperatorRoles.Admin);
        var page = Context.Render<DeviceImportPage>();
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader("name\nleft-1\n"), "left.csv"));
        page.Render();
        await page.InvokeAsync(() => page.Instance.CreateAsync());
        page.Render();
        var id = page.Find("[data-testid=import-credentials]").GetAttribute("href")!.Split('/')[^1];

        page.Instance.Dispose();

        Assert.Null(Downloads.Take(id, Owner));
    }

    [Fact]
    public async Task Credentials_AreNotHandedToAnotherOperator()
    {
        SignInAs(OperatorRoles.Operator);
        var page = Context.Render<DeviceImportPage>();
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader("name\nmine-1\n"), "mine.csv"));
        page.Render();
        await page.InvokeAsync(() => page.Instance.CreateAsync());
        page.Render();
        var id = page.Find("[data-testid=import-credentials]").GetAttribute("href")!.Split('/')[^1];

        Assert.Null(Downloads.Take(id, "operator:someone-else@example.com"));
        Assert.NotNull(Downloads.Take(id, Owner));
    }

    internal static async Task<string> ReadAsync(OneTimeFile file)
    {
        using var stream = new MemoryStream();
        await file.WriteAsync(stream, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
