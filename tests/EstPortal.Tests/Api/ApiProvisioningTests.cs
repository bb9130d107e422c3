using System.Text.Json;
using EstPortal.Data.Entities;
using EstPortal.Tests.Lifecycle;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Api;

/// <summary>
/// The flow a provisioning system runs, over HTTPS with a real Operator key, with the device side done by curl and
/// openssl: create the device → issue it a bootstrap token → the device enrolls with curl using the token → find its
/// certificate through the API → revoke it → `openssl ocsp` says revoked.
/// </summary>
public sealed class ApiProvisioningTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [RequiresToolFact("curl")]
    public async Task CreateDevice_IssueToken_EnrollWithCurl_FindCertificate_Revoke_OcspSaysRevoked()
    {
        using var api = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "factory", OperatorRoles.Operator));
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);

        using var created = await api.PostJsonAsync("/api/v1/devices", """{"name":"pump-7","description":"line 3"}""");
        Assert.Equal("pump-7", (await ApiCalls.ReadJsonAsync(created)).GetProperty("name").GetString());
        using var issued = await api.PostJsonAsync("/api/v1/tokens", """{"device":"pump-7","ttl":"2h","note":"installer 12"}""");
        var token = await ApiCalls.ReadJsonAsync(issued);
        var estUrl = token.GetProperty("estUrl").GetString()!;
        Assert.Equal($"{host.EstUrl}/.well-known/est", estUrl);

        // The device: openssl req, then curl --cacert ca.pem -u pump-7:TOKEN --data-binary @csr.b64 ESTURL/simpleenroll
        var key = dir.PathOf("device.key");
        var der = dir.PathOf("device.csr.der");
        var b64 = dir.PathOf("device.csr.b64");
        Assert.Equal(0, (await LifecycleSteps.RunAsync(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-subj", "/CN=pump-7", "-outform", "DER", "-out", der)).ExitCode);
        Assert.Equal(0, (await LifecycleSteps.RunAsync(dir, "openssl", "base64", "-A", "-in", der, "-out", b64)).ExitCode);
        var curl = await LifecycleSteps.RunAsync(dir, "curl", "-sS", "--fail-with-body", "--cacert", caPem, "-u", "pump-7:" + token.GetProperty("token").GetString(),
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + b64, "-o", dir.PathOf("device.p7.b64"), estUrl + "/simpleenroll");
        Assert.True(curl.ExitCode == 0, LifecycleSteps.Output(curl));

        using var found = await api.GetAsync("/api/v1/certificates?device=pump-7&state=valid");
        var item = Assert.Single((await ApiCalls.ReadJsonAsync(found)).GetProperty("items").EnumerateArray());
        var serial = item.GetProperty("serial").GetString()!;
        Assert.Equal("CN=pump-7", item.GetProperty("subject").GetString());
        using var pem = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/certificates/{serial}");
        pem.Headers.Accept.ParseAdd("application/x-pem-file");
        using var pemResponse = await api.SendAsync(pem);
        var leaf = dir.Write("leaf.pem", await pemResponse.Content.ReadAsStringAsync());

        using var revoked = await api.PostJsonAsync($"/api/v1/certificates/{serial}/revoke", """{"reason":"keyCompromise"}""");
        Assert.Equal("revoked", (await ApiCalls.ReadJsonAsync(revoked)).GetProperty("state").GetString());

        // openssl ocsp -issuer ca.pem -cert leaf.pem -url http://127.0.0.1:PUBLIC/ocsp -CAfile ca.pem
        var ocsp = await LifecycleSteps.RunAsync(dir, "openssl", "ocsp", "-issuer", caPem, "-cert", leaf, "-url", host.PublicUrl + "/ocsp", "-CAfile", caPem);
        Assert.Contains("leaf.pem: revoked", ocsp.Stdout, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", ocsp.Stdout, StringComparison.Ordinal);
        using var state = await api.GetAsync($"/api/v1/certificates/{serial}");
        var detail = await ApiCalls.ReadJsonAsync(state);
        Assert.Equal("revoked", detail.GetProperty("state").GetString());
        Assert.Equal("keyCompromise", detail.GetProperty("revocationReason").GetString());
        using var audit = await api.GetAsync("/api/v1/audit?type=certificate.revoked");
        Assert.Equal(403, (int)audit.StatusCode); // an Operator key reads no audit log, as in the portal
    }
}
