using System.Text;
using EstPortal.DeviceAuth;

namespace EstPortal.Tests.DeviceAuth;

public sealed class BasicCredentialsTests
{
    private static string Header(string userColonPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userColonPassword));

    [Fact]
    public void Parse_WellFormedHeader_SplitsAtTheFirstColon()
    {
        var parsed = BasicCredentials.Parse(Header("device-1:pa:ss"));

        Assert.Equal(new BasicCredentials("device-1", "pa:ss"), parsed);
    }

    [Fact]
    public void Parse_SchemeIsCaseInsensitive()
    {
        Assert.NotNull(BasicCredentials.Parse("basic " + Convert.ToBase64String("a:b"u8.ToArray())));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!!notbase64")]
    [InlineData("Basic ")]
    public void Parse_AbsentOrMalformed_IsNoCredentials(string? header)
    {
        Assert.Null(BasicCredentials.Parse(header));
    }

    [Fact]
    public void Parse_WithoutColon_IsNoCredentials()
    {
        Assert.Null(BasicCredentials.Parse(Header("no-colon-here")));
    }

    [Fact]
    public void Parse_InvalidUtf8_IsNoCredentials()
    {
        Assert.Null(BasicCredentials.Parse("Basic " + Convert.ToBase64String([0xC3, 0x28, (byte)':', (byte)'x'])));
    }

    [Fact]
    public void Parse_ControlCharacters_IsNoCredentials()
    {
        Assert.Null(BasicCredentials.Parse(Header("dev\u0001ice:secret")));
    }

    [Fact]
    public void Parse_VeryLongHeader_IsNoCredentials()
    {
        Assert.Null(BasicCredentials.Parse(Header(new string('a', 10_000) + ":x")));
    }
}
