using System.Net;
using System.Text.Json;
using EstPortal.Tests.Support;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// `--output json` on every list and show command, read the way a script reads it: valid JSON, the field names
/// docs/cli-output.md promises, values that match the text output, and a profile's policy that can be fed back.
/// </summary>
public sealed class JsonOutputTests
{
    [Fact]
    public async Task ListAndShowCommands_WriteTheDocumentedJson()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        try
        {
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "held", "--label", "held", "--require-approval")).ExitCode);
            var secret = (await EstPortalCli.RunAsync(dataDirectory, "device", "add", "json-device")).LastLine;
            string serial;
            using (var host = EstPortalHost.Create(dataDirectory))
            {
                host.KeepDataDirectory = true;
                await host.InitializeAsync();
                using var client = host.CreateEstClient();
                using (var issued = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=json-device").Base64, Basic("json-device", secret)))
                    serial = (await EstResponses.ReadIssuedCertificateAsync(issued)).SerialNumber;
                using (var held = await PostAsync(client, "/.well-known/est/held/simpleenroll", TestCsr.Create("CN=json-device").Base64, Basic("json-device", secret)))
                    Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
            }
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "cert", "revoke", serial, "--reason", "superseded")).ExitCode);

            using (var cas = await JsonAsync(dataDirectory, "ca", "list", "--output", "json"))
            {
                var ca = Assert.Single(cas.RootElement.EnumerateArray());
                Assert.Equal("default", ca.GetProperty("name").GetString());
                Assert.Equal("default", ca.GetProperty("state").GetString());
                Assert.Equal("software", ca.GetProperty("key").GetString());
                Assert.EndsWith("+00:00", ca.GetProperty("notAfter").GetString());
                Assert.Equal(64, ca.GetProperty("sha256Thumbprint").GetString()!.Length);
            }
            using (var certificates = await JsonAsync(dataDirectory, "cert", "list", "--device", "json-device", "-o", "json"))
            {
                var certificate = Assert.Single(certificates.RootElement.EnumerateArray());
                Assert.Equal(serial, certificate.GetProperty("serial").GetString());
                Assert.Equal("json-device", certificate.GetProperty("device").GetString());
                Assert.Equal("revoked", certificate.GetProperty("state").GetString());
                Assert.Equal("superseded", certificate.GetProperty("revocationReason").GetString());
            }
            string id;
            using (var pending = await JsonAsync(dataDirectory, "pending", "list", "-o", "json"))
            {
                var request = Assert.Single(pending.RootElement.EnumerateArray());
                Assert.Equal("held", request.GetProperty("profile").GetString());
                Assert.Equal("credential:json-device", request.GetProperty("requester").GetString());
                id = request.GetProperty("id").GetString()!;
            }
            using (var shown = await JsonAsync(dataDirectory, "pending", "show", id, "-o", "json"))
            {
                Assert.True(shown.RootElement.GetProperty("csrDecodable").GetBoolean());
                Assert.Equal("CN=json-device", shown.RootElement.GetProperty("subject").GetString());
                Assert.Equal(JsonValueKind.Array, shown.RootElement.GetProperty("subjectAltNames").ValueKind);
                Assert.Equal("Pending", shown.RootElement.GetProperty("status").GetString());
            }
            using (var profiles = await JsonAsync(dataDirectory, "profile", "list", "-o", "json"))
            {
                var held = Assert.Single(profiles.RootElement.EnumerateArray(), p => p.GetProperty("name").GetString() == "held");
                Assert.Equal("/.well-known/est/held/", held.GetProperty("path").GetString());
                Assert.True(held.GetProperty("requiresApproval").GetBoolean());
            }

            using (var device = await JsonAsync(dataDirectory, "device", "show", "json-device", "-o", "json"))
            {
                Assert.Equal("enabled", device.RootElement.GetProperty("state").GetString());
                Assert.Equal(JsonValueKind.Null, device.RootElement.GetProperty("arrivedWithIdevid").ValueKind);
                Assert.Equal(JsonValueKind.Array, device.RootElement.GetProperty("sanPatterns").ValueKind);
            }
            Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "apikey", "add", "robot", "--role", "Auditor")).ExitCode);
            using (var keys = await JsonAsync(dataDirectory, "apikey", "list", "-o", "json"))
            {
                var key = Assert.Single(keys.RootElement.EnumerateArray());
                Assert.Equal("robot", key.GetProperty("name").GetString());
                Assert.Equal("Auditor", key.GetProperty("role").GetString());
                Assert.Equal("active", key.GetProperty("state").GetString());
                Assert.DoesNotContain("estp_", keys.RootElement.GetRawText()); // never the key itself
            }
            using (var anchors = await JsonAsync(dataDirectory, "trust", "list", "-o", "json"))
                Assert.Equal(0, anchors.RootElement.GetArrayLength()); // an empty list is still an array

            // A profile's policy as JSON is a policy file `profile add --policy` accepts.
            using var profile = await JsonAsync(dataDirectory, "profile", "show", "held", "-o", "json");
            var policyFile = Path.Combine(dataDirectory, "policy.json");
            await File.WriteAllTextAsync(policyFile, profile.RootElement.GetProperty("policy").GetRawText());
            var copy = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "held-copy", "--label", "heldcopy", "--policy", policyFile);
            Assert.True(copy.ExitCode == 0, copy.ToString());
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(dataDirectory);
        }
    }

    private static async Task<JsonDocument> JsonAsync(string dataDirectory, params string[] command)
    {
        var result = await EstPortalCli.RunAsync(dataDirectory, command);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout);
    }
}
