using System.Net;
using System.Text.Json;
using EstPortal.Operations.Webhook;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EstPortal.Tests.Operations;

/// <summary>The webhook as a receiving service sees it: real HTTP POSTs of JSON to a local listener.</summary>
public sealed class WebhookTests
{
    [Fact]
    public async Task RefusedEnrollment_IsPostedAndRetriedAfterA500()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:Webhook:Url"] = receiver.Url });
        await host.InitializeAsync();
        var token = await host.IssueTokenAsync();
        using var est = host.CreateEstClient();
        (await EstCalls.PostAsync(est, "/.well-known/est/simpleenroll", TestCsr.Create("CN=webhook-first").Base64, EstCalls.Basic("installer", token.Token))).Dispose();

        // The token's holder tries again: a recognised credential, refused, one webhook of its own.
        using var response = await EstCalls.PostAsync(est, "/.well-known/est/simpleenroll", TestCsr.Create("CN=webhook-refused").Base64, EstCalls.Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var first = await receiver.NextAsync(IsRefusal);
        var retried = await receiver.NextAsync(IsRefusal);
        Assert.Equal(first.GetRawText(), retried.GetRawText());
        Assert.Equal($"token:{token.Id}", retried.GetProperty("actor").GetString());
        Assert.Equal("127.0.0.1", retried.GetProperty("clientIp").GetString());
        Assert.False(string.IsNullOrEmpty(retried.GetProperty("reason").GetString()));
        Assert.True(retried.GetProperty("time").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task AnonymousFlood_IsOneSummaryPost_NotOnePerRefusal()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:Webhook:Url"] = receiver.Url });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("webhook-flood");
        using var est = host.CreateEstClient();

        for (var i = 0; i < 40; i++)
        {
            var auth = i % 4 == 0 ? EstCalls.Basic(device.Name, "guess-" + i) : null;
            using var response = await EstCalls.PostAsync(est, "/.well-known/est/simpleenroll", "junk", auth);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        await host.Services.GetRequiredService<EstPortal.Audit.RefusalSummaryWriter>().FlushAsync();

        var summary = await receiver.NextAsync(b => b.GetProperty("event").GetString() == "enrollment.refusals-summarized");
        Assert.Equal(40, summary.GetProperty("refused").GetInt64());
        var address = Assert.Single(summary.GetProperty("topAddresses").EnumerateArray());
        Assert.Equal("127.0.0.1", address.GetProperty("clientIp").GetString());
        Assert.Contains($"10 × wrong password or unknown token for '{device.Name}'", address.GetProperty("reasons").GetString());
        await Task.Delay(500);
        Assert.Equal(1, receiver.Requests);
    }

    [Fact]
    public async Task CertificateEnteringTheExpiryWindow_IsAnnouncedOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["EstPortal:Webhook:Url"] = receiver.Url,
            // Longer than the default profile's validity, so a certificate is inside the window as soon as it is issued.
            ["EstPortal:Webhook:ExpiryDays"] = "400",
        });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("webhook-expiring");
        using var est = host.CreateEstClient();
        using var response = await EstCalls.PostAsync(est, "/.well-known/est/simpleenroll", TestCsr.Create("CN=webhook-expiring").Base64, EstCalls.Basic(device.Name, device.Secret));
        var issued = await EstResponses.ReadIssuedCertificateAsync(response);

        var scanner = host.Services.GetRequiredService<ExpiryScanner>();
        Assert.Equal(1, await scanner.ScanAsync(CancellationToken.None));
        Assert.Equal(0, await scanner.ScanAsync(CancellationToken.None));

        var announced = await receiver.NextAsync(b => b.GetProperty("event").GetString() == "certificate.expiring");
        Assert.Equal(issued.SerialNumber, announced.GetProperty("serial").GetString());
        Assert.Equal("CN=webhook-expiring", announced.GetProperty("subject").GetString());
        Assert.Equal("webhook-expiring", announced.GetProperty("device").GetString());
        Assert.Equal(issued.NotAfter.ToUniversalTime(), announced.GetProperty("notAfter").GetDateTimeOffset().UtcDateTime);
        await Task.Delay(500);
        Assert.Equal(1, receiver.Requests);
    }

    [Theory]
    [InlineData("ftp://example.test/hook")]
    [InlineData("/relative/hook")]
    [InlineData("not a url")]
    public void Options_UrlThatIsNotAbsoluteHttp_IsRejected(string url)
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { Url = url });

        Assert.True(result.Failed);
        Assert.Contains("EstPortal:Webhook:Url", result.FailureMessage);
    }

    [Fact]
    public void Options_Defaults_AreValidAndDisabled()
    {
        var options = new WebhookOptions();

        Assert.True(new WebhookOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.IsEnabled);
        Assert.Equal(30, options.ExpiryDays);
    }

    private static bool IsRefusal(JsonElement body) => body.GetProperty("event").GetString() == "enrollment.refused";
}
