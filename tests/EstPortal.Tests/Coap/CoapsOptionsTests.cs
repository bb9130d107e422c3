using EstPortal.Coap.Dtls;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Coap;

public class CoapsOptionsTests
{
    [Theory]
    [InlineData("https://127.0.0.1:5684")]
    [InlineData("coaps://est.example:5684")]
    [InlineData("not a url")]
    public async Task A_Coaps_Url_that_is_not_coaps_to_an_IP_address_stops_the_app_with_the_setting_named(string url)
    {
        var failure = await EstPortalHost.StartupFailureAsync(new() { ["EstPortal:Coaps:Url"] = url });

        Assert.Contains("EstPortal:Coaps:Url", failure.ToString());
    }

    [Fact]
    public void Off_unless_a_Url_is_set_and_the_default_port_is_5684()
    {
        Assert.False(new CoapsOptions().Enabled);
        var options = new CoapsOptions { Url = "coaps://0.0.0.0" };
        Assert.True(options.Enabled);
        Assert.Equal(5684, options.EndPoint().Port);
    }

    [Fact]
    public void Zero_limits_are_refused() =>
        Assert.True(new CoapsOptionsValidator().Validate(null, new CoapsOptions { Url = "coaps://127.0.0.1:5684", MaxHandshakesPerAddress = 0 }).Failed);
}
