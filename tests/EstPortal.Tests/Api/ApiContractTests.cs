using System.Text.Json;
using System.Text.Json.Nodes;
using EstPortal.Data.Entities;
using EstPortal.Tests.Lifecycle;
using EstPortal.Tests.Support;
using Json.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Api;

/// <summary>
/// /openapi/v1.json is the contract integrators generate clients from: it must list exactly the routes the app serves,
/// declare the bearer scheme on each, and the app's real answers must validate against the schemas it declares.
/// </summary>
public sealed class ApiContractTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task Document_IsOpenApi31_ListsExactlyTheAppsApiRoutes_EachWithTheBearerScheme()
    {
        var document = await DocumentAsync();

        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var scheme = document["components"]!["securitySchemes"]!["apiKey"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}")).Order().ToList();
        var served = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order().ToList();
        Assert.Equal(served, documented);
        foreach (var operation in document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()))
        {
            Assert.Contains("apiKey", operation.Value!["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)));
            Assert.NotNull(operation.Value["responses"]!["401"]);
        }
    }

    [Fact]
    public async Task RealAnswers_ValidateAgainstTheDocumentsSchemas()
    {
        var document = await DocumentAsync();
        var enrolled = await LifecycleSteps.EnrollAsync(host, "contract");
        using var client = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "contract", OperatorRoles.Admin));
        using var anonymous = ApiCalls.Client(host, null);

        var calls = new (string Method, string Route, HttpResponseMessage Response)[]
        {
            ("post", "/api/v1/devices", await client.PostJsonAsync("/api/v1/devices", """{"name":"contract-new","sanPatterns":["dns:{device}.example"]}""")),
            ("post", "/api/v1/devices", await client.PostJsonAsync("/api/v1/devices", """{"name":"contract-new"}""")),
            ("post", "/api/v1/devices", await client.PostJsonAsync("/api/v1/devices", """{"nom":"x"}""")),
            ("post", "/api/v1/devices", await anonymous.PostJsonAsync("/api/v1/devices", """{"name":"x"}""")),
            ("get", "/api/v1/devices", await client.GetAsync("/api/v1/devices?limit=1")),
            ("get", "/api/v1/devices/{name}", await client.GetAsync("/api/v1/devices/contract-new")),
            ("get", "/api/v1/devices/{name}", await client.GetAsync("/api/v1/devices/nobody")),
            ("post", "/api/v1/devices/{name}/rotate-credential", await client.PostAsync("/api/v1/devices/contract-new/rotate-credential", null)),
            ("post", "/api/v1/tokens", await client.PostJsonAsync("/api/v1/tokens", """{"device":"contract-new","ttl":"2h","note":"n"}""")),
            ("get", "/api/v1/tokens", await client.GetAsync("/api/v1/tokens?state=unused")),
            ("get", "/api/v1/certificates", await client.GetAsync("/api/v1/certificates?limit=5")),
            ("get", "/api/v1/certificates/{serial}", await client.GetAsync($"/api/v1/certificates/{enrolled.Serial}")),
            ("post", "/api/v1/certificates/{serial}/revoke", await client.PostJsonAsync($"/api/v1/certificates/{enrolled.Serial}/revoke", """{"reason":"superseded"}""")),
            ("post", "/api/v1/certificates/{serial}/revoke", await client.PostJsonAsync($"/api/v1/certificates/{enrolled.Serial}/revoke", "{}")),
            ("get", "/api/v1/profiles", await client.GetAsync("/api/v1/profiles")),
            ("get", "/api/v1/cas", await client.GetAsync("/api/v1/cas")),
            ("get", "/api/v1/approvals", await client.GetAsync("/api/v1/approvals")),
            ("get", "/api/v1/audit", await client.GetAsync("/api/v1/audit?limit=3")),
            ("post", "/api/v1/devices/{name}/disable", await client.PostJsonAsync("/api/v1/devices/contract-new/disable", """{"revokeCertificates":true}""")),
        };

        var failures = new List<string>();
        foreach (var (method, route, response) in calls)
        {
            using (response)
            {
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
                var declared = document["paths"]![route]![method]!["responses"]![status];
                if (declared is null)
                {
                    failures.Add($"{method} {route} answered {status}, which the document does not declare");
                    continue;
                }
                var schemaNode = declared["content"]?[mediaType]?["schema"];
                if (schemaNode is null)
                {
                    failures.Add($"{method} {route} {status} answered {mediaType}, which the document does not declare");
                    continue;
                }
                var results = SchemaFor(document, schemaNode).Evaluate(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement,
                    new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (!results.IsValid)
                {
                    failures.Add($"{method} {route} {status}: " + string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null)
                        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var client = ApiCalls.Client(host, null);
        var text = await client.GetStringAsync("/openapi/v1.json");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The operation's schema with the document's component schemas as $defs (OpenAPI 3.1 schemas are JSON Schema 2020-12).</summary>
    private static JsonSchema SchemaFor(JsonNode document, JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = document["components"]?["schemas"]?.DeepClone() ?? new JsonObject(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text, baseUri: new Uri($"https://estportal.test/{Guid.NewGuid():N}"));
    }
}
