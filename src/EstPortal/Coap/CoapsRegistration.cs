using EstPortal.Coap.Dtls;
using EstPortal.Coap.Est;
using Microsoft.Extensions.Options;

namespace EstPortal.Coap;

/// <summary>EST over secure CoAP (RFC 9148): a second front door to the same enrollment pipeline, off by default.</summary>
public static class CoapsRegistration
{
    public static IServiceCollection AddEstOverCoaps(this IServiceCollection services)
    {
        services.AddOptions<CoapsOptions>().BindConfiguration(CoapsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoapsOptions>, CoapsOptionsValidator>();
        services.AddSingleton<ICoapResource, CoapEstResource>();
        services.AddSingleton<CoapsListener>();
        services.AddHostedService(sp => sp.GetRequiredService<CoapsListener>());
        return services;
    }
}
