using System.Formats.Asn1;
using System.Net;
using EstPortal.Policy;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Integration;

/// <summary>RFC 7030 §4.5 (RFC 8951, RFC 9908): /csrattrs advertises the policy the same profile enforces.</summary>
public sealed class CsrAttrsTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task DefaultProfile_AsksForNothing_204()
    {
        using var client = host.CreateEstClient();
        using var response = await client.GetAsync("/.well-known/est/csrattrs");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [RequiresToolFact("openssl")]
    public async Task StrictProfile_AdvertisesKeyChallengePasswordAndSubjectTemplate_ThatOpensslParses()
    {
        await host.AddProfileAsync("strict", "strict", CsrPolicy.Default with
        {
            Keys = new KeyPolicy { AllowRsa = false, AllowedCurves = ["P-384"] },
            RequireProofOfPossessionLinking = true,
            Subject = new SubjectPolicy { RequiredAttributes = ["CN"], Fixed = new Dictionary<string, string> { ["O"] = "Acme" } },
            SubjectAltNames = new SubjectAltNamePolicy { Required = true },
        });
        using var client = host.CreateEstClient();

        using var response = await client.GetAsync("/.well-known/est/strict/csrattrs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/csrattrs", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain('\n', body);
        var der = Convert.FromBase64String(body);
        var top = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        Assert.True(top.HasData);

        using var workspace = new ToolWorkspace();
        var file = workspace.Write("csrattrs.der", der);
        var parsed = await ExternalTool.RunAsync("openssl", ["asn1parse", "-inform", "DER", "-in", file], null, ExternalTool.DefaultTimeout);
        Assert.Equal(0, parsed.ExitCode);
        Assert.Contains("challengePassword", parsed.Stdout);
        Assert.Contains("id-ecPublicKey", parsed.Stdout);
        Assert.Contains("secp384r1", parsed.Stdout);
        Assert.Contains("Acme", parsed.Stdout);
    }
}
