namespace EstPortal.Est;

/// <summary>
/// RFC 7030 §3.2.2 paths: /.well-known/est/&lt;operation&gt; (default profile) and
/// /.well-known/est/&lt;label&gt;/&lt;operation&gt;. Every method is routed to the handler so that wrong methods, unknown
/// operations and unknown labels get EST-style text/plain answers (405, 404), not the portal's HTML pages.
/// </summary>
internal static class EstEndpoints
{
    public const string PathPrefix = "/.well-known/est";

    public static void MapEst(this IEndpointRouteBuilder app)
    {
        var est = app.MapGroup(PathPrefix).DisableAntiforgery().AddEndpointFilter(AnswerFaultsAsText);
        // Non-standard: TPM-attested enrollment (docs/tpm-attestation.md). Literal segments outrank the parameters below.
        est.Map("/" + TpmAttestHandler.OperationPath, (HttpContext context, TpmAttestHandler handler) => handler.HandleAsync(context, null));
        est.Map("/{label}/" + TpmAttestHandler.OperationPath, (HttpContext context, string label, TpmAttestHandler handler) =>
            handler.HandleAsync(context, label));
        est.Map("/{operation}", (HttpContext context, string operation, EstRequestHandler handler) =>
            handler.HandleAsync(context, null, operation));
        est.Map("/{label}/{operation}", (HttpContext context, string label, string operation, EstRequestHandler handler) =>
            handler.HandleAsync(context, label, operation));
        app.MapFallback(PathPrefix + "/{**rest}", () => EstResults.Error(StatusCodes.Status404NotFound, "not an EST operation path"));
    }

    /// <summary>
    /// A fault of ours still answers like EST (text/plain, Content-Length), never the portal's HTML error page and
    /// never a stack trace; the details go to the log.
    /// </summary>
    private static async ValueTask<object?> AnswerFaultsAsText(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EstEndpoints))
                .LogError(ex, "EST request {Path} failed", context.HttpContext.Request.Path);
            return EstResults.Error(StatusCodes.Status500InternalServerError, "internal error; the request was not completed");
        }
    }
}
