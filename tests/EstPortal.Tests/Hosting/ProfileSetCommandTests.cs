using System.Text.Json.Nodes;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// `profile set NAME --flag` as a script uses it: every policy flag of `profile add` works on `set` too, and each changes
/// only its own part of the profile (checked against `profile show -o json`), validated as the portal validates.
/// </summary>
public sealed class ProfileSetCommandTests(SharedCliDataDirectory shared) : IClassFixture<SharedCliDataDirectory>
{
    [Fact]
    public async Task ProfileSet_EachFlag_ChangesOnlyItsPartOfTheProfile()
    {
        Assert.Equal(0, (await EstPortalCli.RunAsync(shared.Path, "profile", "add", "tuned", "--label", "tuned")).ExitCode);
        (string[] Flags, string Path, JsonNode Expected)[] steps =
        [
            (["--validity-days", "30"], "policy.validityDays", JsonValue.Create(30)),
            (["--no-rsa"], "policy.keys.allowRsa", JsonValue.Create(false)),
            (["--curves", "P-521"], "policy.keys.allowedCurves", new JsonArray("P-521")),
            (["--san-required"], "policy.subjectAltNames.required", JsonValue.Create(true)),
            (["--fixed", "O=Acme"], "policy.subject.fixed", new JsonObject { ["O"] = "Acme" }),
            (["--eku", "both"], "policy.keyPurpose", JsonValue.Create("ClientAndServerAuth")),
            (["--serverkeygen-encrypt", "true"], "policy.serverKeyGeneration.requireEncryption", JsonValue.Create(true)),
            (["--require-approval"], "requiresApproval", JsonValue.Create(true)),
            (["--no-rsa", "false"], "policy.keys.allowRsa", JsonValue.Create(true)),
        ];

        var before = await ShowAsync("tuned");
        foreach (var (flags, path, expected) in steps)
        {
            var set = await EstPortalCli.RunAsync(shared.Path, ["profile", "set", "tuned", .. flags]);
            Assert.True(set.ExitCode == 0, set.ToString());
            Assert.Contains("profile.updated", set.Stdout + set.Stderr, StringComparison.Ordinal);

            var after = await ShowAsync("tuned");
            var segments = path.Split('.');
            var parent = segments[..^1].Aggregate(before, (node, segment) => node[segment]!);
            parent[segments[^1]] = expected;
            Assert.True(JsonNode.DeepEquals(before, after), $"{string.Join(' ', flags)} should change only {path}:\n{after.ToJsonString()}");
            before = after;
        }
    }

    [Fact]
    public async Task ProfileSet_BadValue_FailsWithTheValidationMessageAndChangesNothing()
    {
        Assert.Equal(0, (await EstPortalCli.RunAsync(shared.Path, "profile", "add", "strict", "--label", "strict")).ExitCode);
        var before = await ShowAsync("strict");

        var tooLong = await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, "profile", "set", "strict", "--validity-days", "4000");
        Assert.True(tooLong.ExitCode == 1, tooLong.ToString());
        Assert.Contains("Validity must be between 1 and 3650 days.", tooLong.Stderr, StringComparison.Ordinal);

        var sideways = await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, "profile", "set", "strict", "--eku", "sideways");
        Assert.True(sideways.ExitCode == 1, sideways.ToString());
        Assert.Contains("unknown --eku 'sideways'", sideways.Stderr, StringComparison.Ordinal);

        Assert.True(JsonNode.DeepEquals(before, await ShowAsync("strict")));
    }

    [Fact]
    public async Task ProfileSet_UnknownProfile_ExitsWithNotFound()
    {
        var result = await EstPortalCli.RunAsync(shared.Path, EstPortalCli.CommandTimeout, "profile", "set", "no-such-profile", "--validity-days", "30");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no-such-profile", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<JsonNode> ShowAsync(string name)
    {
        var show = await EstPortalCli.RunAsync(shared.Path, "profile", "show", name, "-o", "json");
        Assert.True(show.ExitCode == 0, show.ToString());
        return JsonNode.Parse(show.Stdout)!;
    }
}
