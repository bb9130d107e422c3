using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EstPortal.Api;

/// <summary>
/// Reads request bodies strictly: JSON only, within the size limit, no unknown or repeated fields, no numbers in
/// strings. Each refusal is a 400 problem naming the field (its JSON path), so an integrator's typo is found at once
/// instead of being silently ignored.
/// </summary>
public sealed class ApiJson(IOptions<ApiOptions> options)
{
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
    };

    /// <summary>The body as <typeparamref name="T"/>; an empty body is <paramref name="empty"/> when the operation allows one.</summary>
    public async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, T? empty = null) where T : class
    {
        var limit = options.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
            return (null, TooLarge(limit));
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
                return (null, TooLarge(limit));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return empty is not null ? (empty, null) : (null, ApiProblems.BadRequest("This operation needs a JSON body."));
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "Send the body as 'Content-Type: application/json'.", "Unsupported media type"));
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Strict);
            return value is null ? (null, ApiProblems.BadRequest("The body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest(Describe(e)));
        }
    }

    private static ProblemHttpResult TooLarge(int limit) =>
        ApiProblems.BadRequest($"The body is larger than {limit} bytes, the most this API reads.");

    private static string Describe(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "the body" : $"'{e.Path}'";
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return $"Unknown field at {path}: remove it (see /openapi/v1.json for the fields this operation takes).";
        if (e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
            return $"A field appears twice at {path}.";
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
            return $"Wrong type at {path}: see /openapi/v1.json for the field's type.";
        return $"The body is not valid JSON (at {path}, line {e.LineNumber + 1}, byte {e.BytePositionInLine}).";
    }
}
