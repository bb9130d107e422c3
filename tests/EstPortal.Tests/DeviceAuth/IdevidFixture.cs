using EstPortal.Admin;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.DeviceAuth;

/// <summary>
/// One EstPortal on real Kestrel + TLS and one manufacturer PKI made with openssl: "acme" (trusted as anchor "acme"),
/// "other" (a CA nobody trusts) and "acme-nc" (trusted as "acme-nc", name-constrained to URIs under .acme.example).
/// </summary>
public sealed class IdevidFixture : IAsyncLifetime
{
    private int _next;

    public EstPortalHost Host { get; } = new();
    public ToolWorkspace Workspace { get; } = new();
    public ManufacturerPki Manufacturer => new(Workspace);

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        if (ExternalTool.Find("openssl") is null)
            return;
        await Manufacturer.CreateCaAsync("acme", "/O=Acme Boards/CN=Acme IDevID CA");
        await Manufacturer.CreateCaAsync("other", "/O=Someone Else/CN=Other IDevID CA");
        await Manufacturer.CreateCaAsync("acme-nc", "/O=Acme Boards/CN=Acme Constrained IDevID CA", "permitted;URI:.acme.example");
        await AddAnchorAsync("acme", "acme");
        await AddAnchorAsync("acme-nc", "acme-nc");
    }

    public async Task AddAnchorAsync(string name, string ca)
    {
        var result = await Host.Services.GetRequiredService<TrustAnchorAdmin>()
            .AddAsync(name, Workspace.ReadText($"{ca}.pem"), TrustAnchorPurpose.ManufacturerIdentity, "test");
        Assert.True(result.Succeeded, result.Error);
    }

    /// <summary>A fresh label and a profile under it accepting <paramref name="anchors"/> with the given IDevID settings.</summary>
    public async Task<string> ProfileAsync(IdevidPolicy idevid, bool requiresApproval = false)
    {
        var label = $"idevid{Interlocked.Increment(ref _next)}";
        await Host.AddProfileAsync(label, label, CsrPolicy.Default with { Idevid = idevid }, requiresApproval);
        return label;
    }

    /// <summary>A unique name for a board or device in this test run.</summary>
    public string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref _next)}";

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Workspace.Dispose();
    }
}
