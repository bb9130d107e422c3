using EstPortal.DeviceAuth;

namespace EstPortal.Tests.DeviceAuth;

public sealed class DeviceSecretsTests
{
    [Fact]
    public void Generate_Gives256BitUrlSafeSecretsThatDoNotRepeat()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => DeviceSecrets.Generate()).ToList();

        Assert.All(secrets, s =>
        {
            Assert.Equal(43, s.Length); // 32 bytes, base64url without padding
            Assert.Matches("^[A-Za-z0-9_-]+$", s);
        });
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void Hash_IsSha256AndNotTheSecret()
    {
        var secret = DeviceSecrets.Generate();

        var hash = DeviceSecrets.Hash(secret);

        Assert.Equal(32, hash.Length);
        Assert.DoesNotContain(secret, Convert.ToBase64String(hash));
    }

    [Fact]
    public void Matches_OnlyTheSameSecret()
    {
        var secret = DeviceSecrets.Generate();
        var stored = DeviceSecrets.Hash(secret);

        Assert.True(DeviceSecrets.Matches(secret, stored));
        Assert.False(DeviceSecrets.Matches(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), stored));
        Assert.False(DeviceSecrets.Matches("", stored));
    }
}
