using EstPortal.Admin;
using EstPortal.Enrollment;
using EstPortal.Lifecycle;
using EstPortal.Pki;
using Microsoft.Extensions.Options;

namespace EstPortal.Hosting;

/// <summary>Revocation publishing: CRLs, OCSP, and the URLs device certificates carry to find them.</summary>
internal static class LifecycleRegistration
{
    public static IServiceCollection AddRevocationPublishing(this IServiceCollection services)
    {
        services.AddOptions<RevocationPublishingOptions>()
            .BindConfiguration(EstPortalOptions.Section)
            // Without an explicit PublicBaseUrl, relying parties reach us where the Public endpoint listens.
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.PublicBaseUrl ??= RevocationPublishingOptions.FromEndpointUrl(configuration[$"Kestrel:Endpoints:{KestrelEndpoints.Public}:Url"]))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RevocationPublishingOptions>, RevocationPublishingOptionsValidator>();

        services.AddSingleton<RevocationUrls>();
        services.AddSingleton<CrlBuilder>();
        services.AddSingleton<CrlPublisher>();
        services.AddSingleton<CrlContents>();
        services.AddSingleton<IRevocationListener>(sp => sp.GetRequiredService<CrlPublisher>());
        services.AddSingleton<CrlRefreshService>();
        services.AddHostedService(sp => sp.GetRequiredService<CrlRefreshService>());

        services.AddSingleton(sp =>
        {
            var ocsp = sp.GetRequiredService<IOptions<RevocationPublishingOptions>>().Value.Ocsp;
            return new OcspResponder(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromMinutes(ocsp.ValidityMinutes), ocsp.MaxCertIdsPerRequest);
        });
        services.AddSingleton<CertificateStatusLookup>();
        services.AddSingleton<RevocationVersion>();
        services.AddSingleton<OcspAnswerCache>();
        services.AddSingleton<OcspMetrics>();
        services.AddSingleton<OcspRateLimiter>();
        services.AddSingleton<OcspService>();
        services.AddSingleton<IssuedCertificateList>();
        return services;
    }
}
