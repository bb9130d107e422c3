using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

/// <summary>RFC 9457 problem documents, each with a <c>detail</c> an integrator can act on.</summary>
public static class ApiProblems
{
    public const string MediaType = "application/problem+json";

    public static ProblemHttpResult Problem(int status, string detail, string? title = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, detail, "Bad request");

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, detail, "Not found");

    public static ProblemHttpResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, detail, "Conflict");

    /// <summary>For middleware and the authentication handler, which write the response themselves.</summary>
    public static Task Write(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail },
            (System.Text.Json.JsonSerializerOptions?)null, MediaType);
    }
}
