using Bunit;
using EstPortal.Components.Pages.Dashboard;

namespace EstPortal.Tests.Components;

/// <summary>
/// Issue "Pictures where people would rather look than read": without data the charts say so in words instead of
/// drawing axes of zeros (with data they are drawn: FleetPagesTests.Dashboard_ShowsTheFleetFigures…).
/// </summary>
public sealed class DashboardChartsTests : PortalComponentTest
{
    [Fact]
    public void NewInstallation_WithNothingIssued_SaysSoInsteadOfDrawingEmptyCharts()
    {
        var charts = Context.Render<DashboardCharts>();

        charts.WaitForAssertion(() => Assert.Equal("No enrollments or refusals in the last 7 days.",
            charts.Find("[data-testid=activity-empty]").TextContent.Trim()));
        Assert.Equal("No certificates expire in the next 13 weeks.", charts.Find("[data-testid=expiring-empty]").TextContent.Trim());
        Assert.Equal("Nothing issued in the last 30 days.", charts.Find("[data-testid=issuance-per-profile]").TextContent.Trim());
        Assert.Empty(charts.FindAll(".mud-chart"));
    }
}
