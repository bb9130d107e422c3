using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EstPortal.Api;

/// <summary>
/// The published contract, /openapi/v1.json (OpenAPI 3.1): only /api/v1, every operation with the bearer scheme and
/// the problem answers every operation can give (400, 401, 403, 429). Configured once here, not per endpoint.
/// </summary>
internal static class ApiOpenApi
{
    public const string DocumentName = "v1";
    public const string SecurityScheme = "apiKey";

    public static void Configure(OpenApiOptions options)
    {
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "EstPortal automation API",
                Version = "v1",
                Description = "Devices, bootstrap tokens, certificates, profiles, CAs, approvals and the audit log, with API keys (Authorization: Bearer estp_…).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "EstPortal API key (estp_…)",
                Description = "An API key an Admin created on the portal's API keys page or with 'apikey add'.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] });
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, why) in new[]
                     {
                         ("400", "Bad input: malformed JSON, an unknown field, a wrong type, a bad cursor or parameter, a body too large."),
                         ("401", "No API key, or an unknown, revoked or expired one."),
                         ("403", "The key's role may not do this."),
                         ("404", "No such resource."),
                         ("429", "Over the key's rate limit; Retry-After says when to retry."),
                     })
            {
                if (!operation.Responses.ContainsKey(status))
                    operation.Responses[status] = Problem(why, context.Document);
            }
            return Task.CompletedTask;
        });
    }

    private static OpenApiResponse Problem(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ApiProblems.MediaType] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };
}
