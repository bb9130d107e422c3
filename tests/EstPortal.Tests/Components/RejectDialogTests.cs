using Bunit;
using EstPortal.Components.Pages.Approvals;
using MudBlazor;

namespace EstPortal.Tests.Components;

public sealed class RejectDialogTests : PortalComponentTest
{
    [Fact]
    public async Task WithoutAReason_TheDialogSaysOneIsRequired_AndStaysOpen()
    {
        var (host, reference) = await ShowDialogWithResultAsync<RejectDialog>(new DialogParameters<RejectDialog> { { d => d.Subject, "CN=pump-3" } });

        host.Find("[data-testid=reject-submit]").Click();

        host.WaitForAssertion(() => Assert.Contains("A rejection needs a reason; the device is told it.", host.Markup, StringComparison.Ordinal));
        Assert.False(reference.Result.IsCompleted);
        Assert.NotEmpty(host.FindAll("[data-testid=reject-dialog]"));
    }

    [Fact]
    public async Task BlankReason_IsNotAReason()
    {
        var (host, reference) = await ShowDialogWithResultAsync<RejectDialog>(new DialogParameters());

        host.Find("#reject-reason").Input("   ");
        host.Find("[data-testid=reject-submit]").Click();

        await Task.Delay(200);
        Assert.False(reference.Result.IsCompleted);
    }

    [Fact]
    public async Task WithAReason_TheDialogClosesWithIt()
    {
        var (host, reference) = await ShowDialogWithResultAsync<RejectDialog>(new DialogParameters());

        host.Find("#reject-reason").Input("  unknown serial number ");
        host.Find("[data-testid=reject-submit]").Click();

        var result = await reference.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result?.Canceled);
        Assert.Equal("unknown serial number", result?.Data);
    }
}
