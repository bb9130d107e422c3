using EstPortal.Operations.Warmup;
using EstPortal.Audit;
using EstPortal.Enrollment;
using EstPortal.Operations.Health;
using EstPortal.Operations.Metrics;
using EstPortal.Operations.Webhook;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace EstPortal.Hosting;

/// <summary>What an operator runs the app with: console logs with trace ids, health probes, metrics, the webhook.</summary>
internal static class OperationsRegistration
{
    public static void AddEstPortalOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        AddConsoleLogging(builder);

        services.AddHealthChecks().AddReadinessChecks();
        services.AddOptions<WarmupOptions>().BindConfiguration(WarmupOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WarmupOptions>, WarmupOptionsValidator>();
        services.AddSingleton<WarmupProgress>();
        services.AddHostedService<StartupWarmup>();

        services.AddSingleton<EnrollmentMetrics>();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        if (MetricsOptions.AreServed(builder.Configuration))
        {
            services.AddSingleton<CrlAgeGauge>();
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(EnrollmentMetrics.MeterName)
                // Created with the meter provider and kept alive by it: nothing else asks for the gauge.
                .AddInstrumentation(sp => sp.GetRequiredService<CrlAgeGauge>())
                .AddAspNetCoreInstrumentation()
                // Every scrape sees the latest values (the exporter's default caches the answer briefly).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        if (builder.Configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>()?.IsEnabled == true)
        {
            services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
            services.AddSingleton<WebhookDispatcher>();
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
            services.AddSingleton<IAuditSink, RefusalWebhookSink>();
            services.AddSingleton<ExpiryScanner>();
            services.AddHostedService<ExpiryScanService>();
        }
    }

    /// <summary>
    /// Every console line written inside a request carries its TraceId and SpanId (from the current Activity), so a
    /// log line can be matched to a trace or to the client's <c>traceparent</c>. Human-readable by default;
    /// <c>EstPortal:Logging:Json=true</c> switches to one JSON object per line for log collectors.
    /// </summary>
    private static void AddConsoleLogging(WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (builder.Configuration.GetValue<bool>("EstPortal:Logging:Json"))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        }
    }
}
