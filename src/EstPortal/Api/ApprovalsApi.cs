using System.Security.Claims;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record ApprovalItem(Guid Id, string Status, string Profile, string Operation, string Requester, string Subject, string CsrSha256,
    string? ClientIp, DateTimeOffset RequestedAt, string? DecidedBy, string? DecisionReason, string? IssuedSerial);

/// <summary>The CSR the caller read (its SHA-256 from GET /api/v1/approvals): when given, the decision applies only to that CSR.</summary>
public sealed record ApproveRequest(string? CsrSha256 = null);

public sealed record RejectRequest(string? Reason = null, string? CsrSha256 = null);

/// <summary>/api/v1/approvals: requests a profile holds for an operator (RFC 7030 §4.2.3), decided through <see cref="PendingApprovals"/>.</summary>
public static class ApprovalsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var approvals = api.MapGroup("/approvals").WithTags("Approvals");
        approvals.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read);
        approvals.MapPost("/{id}/approve", ApproveAsync).RequireAuthorization(ApiPolicies.Manage)
            .Accepts<ApproveRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost("/{id}/reject", RejectAsync).RequireAuthorization(ApiPolicies.Manage)
            .Accepts<RejectRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>Pending requests, oldest first (status = pending, approved, rejected, issued; pending when absent).</summary>
    private static async Task<Results<Ok<IReadOnlyList<ApprovalItem>>, ProblemHttpResult>> ListAsync(string? status, PendingApprovals approvals,
        CancellationToken cancellationToken)
    {
        var known = new[] { PendingStatus.Pending, PendingStatus.Approved, PendingStatus.Rejected, PendingStatus.Issued };
        var wanted = status is null ? PendingStatus.Pending : known.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
        if (wanted is null)
            return ApiProblems.BadRequest($"'status' is one of {string.Join(", ", known.Select(s => s.ToLowerInvariant()))}, not '{status}'.");
        var items = (await approvals.ListAsync(wanted, cancellationToken))
            .Select(p => new ApprovalItem(p.Id, p.Status.ToLowerInvariant(), p.ProfileName, p.Operation, p.RequesterKey, p.Subject, p.CsrSha256, p.ClientIp,
                p.RequestedAt, p.DecidedBy, p.DecisionReason, p.IssuedSerial))
            .ToList();
        return TypedResults.Ok<IReadOnlyList<ApprovalItem>>(items);
    }

    private static async Task<Results<Ok<ApprovalItem>, ProblemHttpResult>> ApproveAsync(string id, HttpRequest request, ClaimsPrincipal user, ApiJson json,
        PendingApprovals approvals, CancellationToken cancellationToken)
    {
        var (body, problem) = await json.ReadAsync(request, new ApproveRequest());
        return problem ?? await DecideAsync(id, body!.CsrSha256, true, null, user, approvals, cancellationToken);
    }

    private static async Task<Results<Ok<ApprovalItem>, ProblemHttpResult>> RejectAsync(string id, HttpRequest request, ClaimsPrincipal user, ApiJson json,
        PendingApprovals approvals, CancellationToken cancellationToken)
    {
        var (body, problem) = await json.ReadAsync<RejectRequest>(request);
        return problem ?? await DecideAsync(id, body!.CsrSha256, false, body.Reason, user, approvals, cancellationToken);
    }

    /// <summary>
    /// A request holds one CSR for life (ADR 0013), so its id names that CSR; a csrSha256 in the body makes the caller's
    /// view explicit, as the portal's approve button does.
    /// </summary>
    private static async Task<Results<Ok<ApprovalItem>, ProblemHttpResult>> DecideAsync(string id, string? csrSha256, bool approve, string? reason,
        ClaimsPrincipal user, PendingApprovals approvals, CancellationToken cancellationToken)
    {
        var details = Guid.TryParse(id, out var pendingId) ? await approvals.FindDetailsAsync(pendingId, cancellationToken) : null;
        if (details is null)
            return ApiProblems.NotFound($"No held request has id '{id}'; GET /api/v1/approvals lists them.");
        var error = await approvals.DecideAsync(pendingId, csrSha256 ?? details.Summary.CsrSha256, approve, reason, ApiCallFilter.ActorOf(user), cancellationToken);
        if (error is not null)
            return error.Contains("not pending", StringComparison.Ordinal) ? ApiProblems.Conflict(error) : ApiProblems.BadRequest(error);
        var p = (await approvals.FindDetailsAsync(pendingId, cancellationToken))!.Summary;
        return TypedResults.Ok(new ApprovalItem(p.Id, p.Status.ToLowerInvariant(), p.ProfileName, p.Operation, p.RequesterKey, p.Subject, p.CsrSha256,
            p.ClientIp, p.RequestedAt, p.DecidedBy, p.DecisionReason, p.IssuedSerial));
    }
}
