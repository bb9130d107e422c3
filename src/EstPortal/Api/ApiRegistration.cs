using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;

namespace EstPortal.Api;

/// <summary>The automation API: /api/v1 on the portal endpoint, API keys only, problem documents for every error (ADR 0020).</summary>
public static class ApiRegistration
{
    public const string Prefix = "/api/v1";

    public static void AddEstPortalApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .Validate(o => o.RequestsPerMinute > 0 && o.MaxBodyBytes > 0 && o.IdempotencyRetention > TimeSpan.Zero,
                "EstPortal:Api: RequestsPerMinute and MaxBodyBytes must be positive, IdempotencyRetention longer than zero.")
            .ValidateOnStart();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(ApiPolicies.Add);
        services.AddProblemDetails();
        services.AddSingleton<ApiJson>();
        services.AddSingleton<ApiCallFilter>();
        services.AddSingleton<DeviceCreationReplay>();
        services.AddOpenApi(ApiOpenApi.DocumentName, ApiOpenApi.Configure);
    }

    /// <summary>
    /// For /api paths: no HTML error page and no re-executed "not found" page, but a problem document — for a route
    /// that does not exist, a method it does not take, or an exception (a 500 without a stack trace).
    /// </summary>
    public static void UseEstPortalApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.Use(async (context, next) =>
        {
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiRegistration))
                    .LogError(e, "API {Method} {Path} failed", context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await ApiProblems.Write(context, StatusCodes.Status500InternalServerError, "Internal error",
                    $"The server failed on this request; it is logged with trace id {System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier}.");
                return;
            }
            if (context.Response.HasStarted || context.Response.ContentLength > 0 || context.Response.ContentType is not null)
                return;
            var detail = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"No such operation: {context.Request.Method} {context.Request.Path}. /openapi/v1.json lists the operations.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as 'Content-Type: application/json'.",
                StatusCodes.Status405MethodNotAllowed => $"{context.Request.Path} does not take {context.Request.Method}; /openapi/v1.json lists what it takes.",
                >= 400 => "The request was refused.",
                _ => null,
            };
            if (detail is not null)
                await ApiProblems.Write(context, context.Response.StatusCode, "Error", detail);
        }));

    public static void MapEstPortalApi(this IEndpointRouteBuilder endpoints)
    {
        // One filter instance for every endpoint: the per-key limit counts a key's calls to all of them.
        var api = endpoints.MapGroup(Prefix)
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<ApiCallFilter>().InvokeAsync(context, next))
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        DevicesApi.Map(api);
        TokensApi.Map(api);
        CertificatesApi.Map(api);
        ProfilesApi.Map(api);
        CasApi.Map(api);
        ApprovalsApi.Map(api);
        AuditApi.Map(api);
        endpoints.MapOpenApi().AllowAnonymous();
    }
}
