using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public sealed class OcspGetRequestTests
{
    // Chosen so its base64 contains '+', '/' and '=' padding.
    private static readonly byte[] Der = [0x30, 0x05, 0xFB, 0xFF, 0xBF, 0x3E, 0x01];

    [Fact]
    public void TryDecode_UrlEncodedBase64_GivesTheDer()
    {
        var base64 = Convert.ToBase64String(Der);
        Assert.Contains('+', base64);
        Assert.Contains('/', base64);

        Assert.True(OcspGetRequest.TryDecode(Uri.EscapeDataString(base64), out var der));
        Assert.Equal(Der, der);
    }

    [Theory]
    [InlineData("MAX7/78+AQ==")]           // '/' and '+' left unescaped, as many clients send them
    [InlineData("/MAX7/78+AQ==")]          // leading slash from the route
    [InlineData("MAX7/78 AQ==")]           // '+' turned into a space by a form decoder
    [InlineData("MAX7_78-AQ")]             // base64url without padding
    [InlineData("MAX7%2F78%2BAQ%3D%3D")]
    public void TryDecode_ClientVariants_GiveTheDer(string encoded)
    {
        Assert.True(OcspGetRequest.TryDecode(encoded, out var der));
        Assert.Equal(Der, der);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("A")]
    public void TryDecode_Garbage_IsRejected(string? encoded)
    {
        Assert.False(OcspGetRequest.TryDecode(encoded, out var der));
        Assert.Null(der);
    }

    [Fact]
    public void TryDecode_Oversized_IsRejected()
    {
        Assert.False(OcspGetRequest.TryDecode(new string('A', OcspGetRequest.MaxEncodedLength + 4), out _));
    }
}
