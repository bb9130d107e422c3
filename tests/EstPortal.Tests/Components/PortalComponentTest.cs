using EstPortal.CaKeys;
using EstPortal.CaKeys.Software;
using EstPortal.Hosting;
using Bunit;
using Bunit.TestDoubles;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;

namespace EstPortal.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor and the real Admin services over a throwaway SQLite file, so a test sees what the
/// service did (or did not do), and a signed-in user in the role the test chooses.
/// </summary>
public abstract class PortalComponentTest : IAsyncLifetime
{
    public const string EstUrl = "https://est.example.test:8443";

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"estportal-bunit-{Guid.NewGuid():N}.db");

    protected BunitContext Context { get; } = new();
    protected BunitAuthorizationContext Authorization { get; }
    protected DeviceAdmin Devices => Context.Services.GetRequiredService<DeviceAdmin>();
    protected BootstrapTokenAdmin Tokens => Context.Services.GetRequiredService<BootstrapTokenAdmin>();
    protected IDbContextFactory<EstPortalDbContext> Contexts => Context.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>();
    protected ISnackbar Snackbar => Context.Services.GetRequiredService<ISnackbar>();
    protected CaProvisioning Provisioning => Context.Services.GetRequiredService<CaProvisioning>();
    protected ProfileAdmin Profiles => Context.Services.GetRequiredService<ProfileAdmin>();
    protected CertificateAuthorities Cas => Context.Services.GetRequiredService<CertificateAuthorities>();

    protected PortalComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        var services = Context.Services;
        services.AddMudServices();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        // The same Identity schema as the app: EF caches one model per process, and a different schema version
        // here would hand the app's start-up migration a model that no longer matches its snapshot.
        services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = EstPortalDbContext.IdentitySchemaVersion);
        services.AddEstPortalDatabase(new DatabaseConnection(DatabaseProvider.Sqlite, $"Data Source={_databasePath};Pooling=False", MigrateAtStartup: true));
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton<CaKeyProtector>();
        services.AddSingleton<ICaKeyBackend, SoftwareCaKeyBackend>();
        services.AddOptions<EstPortal.CaKeys.Pkcs11.Pkcs11Options>();
        services.AddSingleton<EstPortal.CaKeys.Pkcs11.Pkcs11Token>();
        services.AddSingleton<ICaKeyBackend, EstPortal.CaKeys.Pkcs11.Pkcs11CaKeyBackend>();
        services.AddSingleton<CaKeyBackends>();
        services.AddSingleton<CertificateAuthorities>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<CertificateRevocation>();
        services.AddSingleton<DeviceAdmin>();
        services.AddSingleton<ApiKeyAdmin>();
        services.AddSingleton<BootstrapTokenAdmin>();
        services.AddSingleton<ProfileAdmin>();
        services.AddSingleton<TrustAnchorAdmin>();
        services.AddSingleton<CertificateAdmin>();
        services.AddSingleton<SerialNumberGenerator>();
        services.AddSingleton<RootCaFactory>();
        services.AddSingleton<IntermediateCaFactory>();
        services.AddSingleton<RootCaKeyRollover>();
        services.AddSingleton<CertificateAuthorityAdmin>();
        services.AddSingleton<CaProvisioning>();
        services.AddSingleton<PendingApprovals>();
        services.AddSingleton<AuditChainVerifier>();
        services.AddSingleton<AuditQuery>();
        services.AddSingleton<DeviceImport>();
        services.AddSingleton<DashboardTrends>();
        services.AddSingleton<EstPortal.Components.OneTime.OneTimeDownloads>();
        services.AddIdentityCore<Operator>(o => o.Password.RequiredLength = 12)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<EstPortalDbContext>()
            .AddDefaultTokenProviders();
        services.AddScoped<OperatorAdmin>();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Est:Url"] = EstUrl })
            .Build());
        Authorization = Context.AddAuthorization();
    }

    public async Task InitializeAsync()
    {
        var contexts = Context.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await db.Database.EnsureCreatedAsync();
        await Context.Services.GetRequiredService<AuditChainSealer>().SealUnchainedAsync(CancellationToken.None);
        var roles = Context.Services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in OperatorRoles.All)
            await roles.CreateAsync(new IdentityRole(role));
    }

    /// <summary>A default root CA (EC P-256), as the app creates on first start.</summary>
    protected async Task<CertificateAuthority> CreateDefaultCaAsync() =>
        await Context.Services.GetRequiredService<CertificateAuthorityAdmin>().CreateRootAsync(
            CertificateAuthorityAdmin.DefaultName, CertificateAuthorityAdmin.DefaultSubject, CaKeyAlgorithm.EcP256, TimeSpan.FromDays(365), makeDefault: true, "test");

    /// <summary>The providers a page's dialogs, message boxes and popovers render into.</summary>
    protected IRenderedComponent<ContainerFragment> RenderProviders() =>
        Context.Render<ContainerFragment>(p => p.AddChildContent(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
        }));

    /// <summary>As <see cref="ShowDialogAsync{TDialog}(DialogParameters)"/>, and returns the dialog, whose result the test may await.</summary>
    protected async Task<(IRenderedComponent<ContainerFragment> Host, IDialogReference Dialog)> ShowDialogWithResultAsync<TDialog>(DialogParameters parameters)
        where TDialog : IComponent
    {
        var host = RenderProviders();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await host.InvokeAsync(async () => reference = await dialogs.ShowAsync<TDialog>("", parameters, new DialogOptions()));
        return (host, reference ?? throw new InvalidOperationException("the dialog did not open"));
    }

    protected void SignInAs(string role) => Authorization.SetAuthorized("someone@example.com").SetRoles(role);

    /// <summary>Shows a dialog the way a page does: through IDialogService into the layout's providers.</summary>
    protected Task<IRenderedComponent<ContainerFragment>> ShowDialogAsync<TDialog>() where TDialog : IComponent =>
        ShowDialogAsync<TDialog>(new DialogParameters());

    protected async Task<IRenderedComponent<ContainerFragment>> ShowDialogAsync<TDialog>(DialogParameters parameters) where TDialog : IComponent
    {
        var host = Context.Render<ContainerFragment>(p => p.AddChildContent(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
        }));
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        await host.InvokeAsync(() => dialogs.ShowAsync<TDialog>("", parameters, new DialogOptions()));
        return host;
    }

    /// <summary>An issued certificate row (with a real self-signed DER) under a stored CA, optionally of a device.</summary>
    protected async Task<IssuedCertificate> AddCertificateAsync(string subject, Guid? deviceId = null)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var self = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(300));
        await using var db = await Contexts.CreateDbContextAsync();
        var ca = await db.CertificateAuthorities.FirstOrDefaultAsync();
        if (ca is null)
        {
            ca = new CertificateAuthority
            {
                Id = Guid.NewGuid(), Name = "test-ca", Subject = "CN=Test CA", CertificateDer = self.RawData, ProtectedPrivateKey = [],
                KeyAlgorithm = "EC P-256", Sha256Thumbprint = "00", Imported = true,
            };
            db.CertificateAuthorities.Add(ca);
        }
        var certificate = new IssuedCertificate
        {
            Id = Guid.NewGuid(), SerialNumber = self.SerialNumber, CertificateAuthorityId = ca.Id, DeviceId = deviceId, Subject = subject,
            Sha256Thumbprint = self.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), PublicKeySha256 = "00",
            CertificateDer = self.RawData, NotBefore = self.NotBefore.ToUniversalTime(), NotAfter = self.NotAfter.ToUniversalTime(),
            IssuedAt = DateTimeOffset.UtcNow, IssuedVia = "test",
        };
        db.IssuedCertificates.Add(certificate);
        await db.SaveChangesAsync();
        return certificate;
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        File.Delete(_databasePath);
    }
}

/// <summary>Renders whatever it is given; a root for providers that have no content of their own.</summary>
public sealed class ContainerFragment : ComponentBase
{
    [Parameter] public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) =>
        builder.AddContent(0, ChildContent);
}
