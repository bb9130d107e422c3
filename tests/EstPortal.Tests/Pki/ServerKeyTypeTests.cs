using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public sealed class ServerKeyTypeTests
{
    [Theory]
    [InlineData("EC-P256", ServerKeyFamily.Ec, 256)]
    [InlineData("EC-P384", ServerKeyFamily.Ec, 384)]
    [InlineData("RSA-2048", ServerKeyFamily.Rsa, 2048)]
    [InlineData("RSA-3072", ServerKeyFamily.Rsa, 3072)]
    [InlineData("RSA-4096", ServerKeyFamily.Rsa, 4096)]
    public void TryParse_ConfiguredName_RoundTripsThroughToString(string text, ServerKeyFamily family, int size)
    {
        Assert.True(ServerKeyType.TryParse(text, out var type));

        Assert.Equal(family, type.Family);
        Assert.Equal(size, type.Size);
        Assert.Equal(text, type.ToString());
        Assert.Same(type, ServerKeyType.Parse(type.ToString()));
    }

    [Theory]
    [InlineData("ec-p256")]
    [InlineData("  RSA-2048 ")]
    public void TryParse_OtherCaseOrSpacing_GivesTheCanonicalType(string text)
    {
        Assert.True(ServerKeyType.TryParse(text, out var type));
        Assert.Equal(text.Trim().ToUpperInvariant(), type.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RSA-1024")]
    [InlineData("EC-P521")]
    [InlineData("Ed25519")]
    [InlineData("RSA2048")]
    public void TryParse_UnsupportedText_Fails(string? text)
    {
        Assert.False(ServerKeyType.TryParse(text, out var type));
        Assert.Null(type);
    }

    [Fact]
    public void Parse_UnsupportedText_NamesTheAcceptedValues()
    {
        var ex = Assert.Throws<FormatException>(() => ServerKeyType.Parse("DSA-2048"));
        Assert.Contains("EC-P256", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RSA-4096", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFromPublicKey_CsrKeys_MapToTheirType()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(3072);
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);

        Assert.True(ServerKeyType.TryFromPublicKey(new PublicKey(p384), out var ec));
        Assert.Equal(ServerKeyType.EcP384, ec);
        Assert.True(ServerKeyType.TryFromPublicKey(new PublicKey(rsa), out var rsaType));
        Assert.Equal(ServerKeyType.Rsa3072, rsaType);
        Assert.False(ServerKeyType.TryFromPublicKey(new PublicKey(p521), out _));
    }
}
