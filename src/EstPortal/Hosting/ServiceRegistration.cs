using EstPortal.Coap;
using EstPortal.Admin;
using EstPortal.Api;
using EstPortal.Audit;
using EstPortal.CaKeys;
using EstPortal.CaKeys.Pkcs11;
using EstPortal.CaKeys.Software;
using EstPortal.Components.Account;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using EstPortal.Est;
using EstPortal.Pki;
using EstPortal.Transport;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace EstPortal.Hosting;

internal static class ServiceRegistration
{
    /// <summary>ASP.NET Core's switch for the static-asset runtime handler (on by default when run from a build).</summary>
    private const string ReloadStaticAssetsAtRuntime = "ReloadStaticAssetsAtRuntime";

    public static void AddEstPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<EstPortalOptions>().BindConfiguration(EstPortalOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EstPortalOptions>, EstPortalOptionsValidator>();
        services.AddEstTransport();

        // The data directory, database path and key-encryption key are needed to build the container itself.
        var options = builder.Configuration.GetSection(EstPortalOptions.Section).Get<EstPortalOptions>() ?? new EstPortalOptions();
        var dataDirectory = options.ResolveDataDirectory();
        Directory.CreateDirectory(dataDirectory);

        services.AddEstPortalDatabase(DatabaseConnection.From(builder.Configuration, dataDirectory));

        var kekPath = options.ResolveKeyEncryptionKeyPath();
        var keyEncryptionKey = KeyEncryptionKey.LoadOrCreate(kekPath, TimeProvider.System);
        services.AddDataProtection()
            .SetApplicationName("EstPortal")
            .PersistKeysToDbContext<EstPortalDbContext>()
            .ProtectKeysWithCertificate(keyEncryptionKey)
            .UnprotectKeysWithAnyCertificate(keyEncryptionKey);
        services.AddSingleton(new KeyEncryptionKeyLocation(kekPath, kekPath.StartsWith(dataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal),
            keyEncryptionKey.RawData));
        services.AddHostedService<KeyEncryptionKeyWarning>();

        AddIdentity(services);
        services.AddEstPortalApi();
        AddDomain(services);
        services.AddRevocationPublishing();
        builder.AddEstPortalOperations();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();

        KestrelEndpoints.Configure(builder);
        // Serves MudBlazor's and Blazor's assets from the build output in any environment (a no-op once published).
        builder.WebHost.UseStaticWebAssets();
        // Run from the build output (`dotnet run`, the bench), MapStaticAssets also watches for edited files: a
        // catch-all route whose constraint looks for the request's path on disk, an lstat per request — EST included
        // — that took ~5 % of the server's CPU under load (bench/est-load-profile.md). A developer's concern only.
        if (!builder.Environment.IsDevelopment() && builder.Configuration[ReloadStaticAssetsAtRuntime] is null)
            builder.Configuration.AddInMemoryCollection([new(ReloadStaticAssetsAtRuntime, "false")]);
    }

    private static void AddIdentity(IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorization();
        services.AddIdentityCore<Operator>(o =>
            {
                // Operators are created by an Admin or the CLI, never by self-registration; no e-mail round trip.
                o.SignIn.RequireConfirmedAccount = false;
                o.Stores.SchemaVersion = EstPortalDbContext.IdentitySchemaVersion;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Password.RequiredLength = 12;
                o.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<EstPortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        // Replaces the store AddEntityFrameworkStores registered: TOTP keys and recovery codes encrypted at rest.
        services.AddScoped<IUserStore<Operator>, OperatorUserStore>();
        services.AddSingleton<TwoFactorSecretProtector>();
        services.AddSingleton<TwoFactorSecretsAtRest>();
        services.AddSingleton<TwoFactorSetupRule>();
        services.AddSingleton<IEmailSender<Operator>, IdentityNoOpEmailSender>();
        // Check the cookie's security stamp (and the Disabled flag) on every request, so disabling an operator or
        // changing their role takes effect at their next page load, not up to 30 minutes later.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.AddScoped<ISecurityStampValidator, PortalSecurityStampValidator>();
        services.AddAntiforgery(a =>
        {
            a.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            a.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.ConfigureExternalCookie(c =>
        {
            c.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            c.Cookie.SameSite = SameSiteMode.Strict;
        });
        // Between the password and the TOTP code, and "remember this machine": the same cookie rules as the sign-in.
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme })
        {
            services.Configure<CookieAuthenticationOptions>(scheme, c =>
            {
                c.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                c.Cookie.SameSite = SameSiteMode.Strict;
                c.Cookie.HttpOnly = true;
            });
        }
        services.ConfigureApplicationCookie(c =>
        {
            c.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.LoginPath = "/Account/Login";
            c.AccessDeniedPath = "/Account/AccessDenied";
        });
    }

    private static void AddDomain(IServiceCollection services)
    {
        // Pki: no ASP.NET or EF types; signing re-checks what it is asked to sign.
        services.AddSingleton<SerialNumberGenerator>();
        // CA keys: one registry of backends (software: Data Protection at rest; PKCS#11: key in the token).
        services.AddSingleton<CaKeyProtector>();
        services.AddOptions<Pkcs11Options>().BindConfiguration(Pkcs11Options.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Pkcs11Options>, Pkcs11OptionsValidator>();
        services.AddSingleton<Pkcs11Token>();
        services.AddSingleton<ICaKeyBackend, SoftwareCaKeyBackend>();
        services.AddSingleton<ICaKeyBackend, Pkcs11CaKeyBackend>();
        services.AddSingleton<CaKeyBackends>();
        services.AddHostedService<Pkcs11StartupCheck>();
        services.AddSingleton<RootCaFactory>();
        services.AddSingleton<CertificateIssuer>();
        services.AddSingleton<TlsServerCertificateFactory>();
        services.AddSingleton<CsrLoader>();
        services.AddSingleton<RootCaKeyRollover>();
        services.AddSingleton<IntermediateCaFactory>();
        services.AddSingleton(sp => new RsaKeyPool());
        services.AddSingleton<ServerKeyGenerator>();
        services.AddHostedService<RsaKeyPoolRefill>();

        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditChainVerifier>();
        services.AddSingleton<CertificateAuthorities>();
        services.AddSingleton<DeviceCredentialValidator>();
        services.AddSingleton<BootstrapTokenValidator>();
        services.AddSingleton<ClientCertificateValidator>();
        services.AddSingleton<IdevidValidator>();
        services.AddSingleton<EstAuthenticator>();
        services.AddSingleton<FailedAuthenticationThrottle>();
        services.AddSingleton<CredentialRateLimit>();
        services.AddSingleton<EnrollmentAuthentication>();
        services.AddSingleton<RefusalTally>();
        services.AddSingleton<RefusalSummaryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RefusalSummaryWriter>());
        services.AddOptions<RefusalSummaryOptions>().BindConfiguration(RefusalSummaryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RefusalSummaryOptions>, RefusalSummaryOptionsValidator>();
        services.AddSingleton<ConfigurationVersion>();
        services.AddSingleton<CredentialVersion>();
        services.AddSingleton<EnrollmentProfiles>();
        services.AddSingleton<PendingApprovals>();
        services.AddSingleton<IdevidDevices>();
        services.AddSingleton<IssuanceWriterContexts>();
        services.AddSingleton<IssuanceStaging>();
        services.AddSingleton<IssuanceRecorder>();
        services.AddSingleton<ServerKeyIssuance>();
        services.AddSingleton<EnrollmentService>();
        services.AddSingleton<EstRequestHandler>();
        services.AddSingleton<Tpm.TpmAttestationService>();
        services.AddSingleton<TpmAttestHandler>();
        services.AddSingleton<EstRateLimiter>();

        services.AddSingleton<CertificateAuthorityAdmin>();
        services.AddSingleton<DeviceAdmin>();
        services.AddSingleton<BootstrapTokenAdmin>();
        services.AddSingleton<ProfileAdmin>();
        services.AddSingleton<TrustAnchorAdmin>();
        services.AddSingleton<CertificateRevocation>();
        services.AddSingleton<CertificateAdmin>();
        services.AddSingleton<DashboardStatistics>();
        services.AddSingleton<DashboardTrends>();
        services.AddSingleton<DeviceImport>();
        services.AddSingleton<Components.OneTime.OneTimeDownloads>();
        services.AddScoped<OperatorAdmin>();
        services.AddSingleton<CaProvisioning>();
        services.AddSingleton<AuditQuery>();
        services.AddSingleton<ApiKeyAdmin>();
        services.AddSingleton<KeysetPages>();

        services.AddSingleton<TlsCertificateProvider>();
        services.AddSingleton<FirstAdminSetup>();
        services.AddSingleton<FirstRunInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<FirstRunInitializer>());
        // After the first-run initializer: the CoAP listener presents the TLS certificate it issues.
        services.AddEstOverCoaps();
    }
}
