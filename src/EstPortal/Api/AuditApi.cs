using System.Globalization;
using EstPortal.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record AuditItem(long Sequence, DateTimeOffset Timestamp, string Type, string Outcome, string? Actor, string? ClientIp, string? Device,
    string? Serial, string? Reason, string? Details);

/// <summary>/api/v1/audit: the audit log, newest first, for Auditor and Admin keys (the portal's audit page rule).</summary>
public static class AuditApi
{
    private const string List = "audit";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAsync).RequireAuthorization(ApiPolicies.Audit).WithTags("Audit log");

    /// <summary>from/to are RFC 3339 times; type is an event type such as certificate.revoked; actor such as apikey:NAME (or a prefix ending in *).</summary>
    private static async Task<Results<Ok<ApiPage<AuditItem>>, ProblemHttpResult>> ListAsync(string? from, string? to, string? type, string? actor,
        string? device, string? cursor, string? limit, KeysetPages pages, CancellationToken cancellationToken)
    {
        if (!TryTime(from, out var fromTime))
            return ApiProblems.BadRequest($"'from' is an RFC 3339 time such as 2026-12-01T00:00:00Z, not '{from}'.");
        if (!TryTime(to, out var toTime))
            return ApiProblems.BadRequest($"'to' is an RFC 3339 time such as 2026-12-02T00:00:00Z, not '{to}'.");
        if (!ApiCursor.TryLimit(limit, out var take))
            return ApiProblems.BadRequest(ApiCursor.BadLimit);
        if (!ApiCursor.TryDecode(List, cursor, out TimePosition? after))
            return ApiProblems.BadRequest(ApiCursor.BadCursor);
        var filter = new AuditFilter { From = fromTime, To = toTime, EventType = Blank(type), Actor = Blank(actor), Device = Blank(device) };
        var page = await pages.AuditAsync(filter, after, take, cancellationToken);
        return TypedResults.Ok(new ApiPage<AuditItem>(
            page.Items.Select(e => new AuditItem(e.Sequence, e.Timestamp, e.EventType, e.Outcome, e.Actor, e.ClientIp, e.DeviceName, e.SerialNumber,
                e.Reason, e.Details)).ToList(),
            page.Next is null ? null : ApiCursor.Encode(List, page.Next)));
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
            return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return false;
        time = parsed;
        return true;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
