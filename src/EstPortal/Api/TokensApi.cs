using System.Security.Claims;
using EstPortal.Admin;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record IssueTokenRequest(string? Device = null, string? Ttl = null, string? Profile = null, string? SubjectPattern = null, string? Note = null);

public sealed record IssuedTokenResponse(Guid Id, string Token, DateTimeOffset ExpiresAt, string EstUrl);

public sealed record TokenItem(Guid Id, string State, string? Device, string? Profile, string? SubjectPattern, string? Note, string? CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, string? UsedForSerial, DateTimeOffset? RevokedAt);

public sealed record RevokedTokenResponse(Guid Id, string State);

/// <summary>/api/v1/tokens: one-time bootstrap tokens, through <see cref="BootstrapTokenAdmin"/>.</summary>
public static class TokensApi
{
    private const string List = "tokens";

    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Bootstrap tokens");
        tokens.MapPost("/", IssueAsync).RequireAuthorization(ApiPolicies.Manage)
            .Accepts<IssueTokenRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tokens.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read);
        tokens.MapPost("/{id}/revoke", RevokeAsync).RequireAuthorization(ApiPolicies.Manage).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>201 with the token (shown once) and the EST URL the device enrolls at (its profile's label, if any).</summary>
    private static async Task<Results<Created<IssuedTokenResponse>, ProblemHttpResult>> IssueAsync(HttpRequest request, ClaimsPrincipal user, ApiJson json,
        BootstrapTokenAdmin tokens, ProfileAdmin profiles, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var (body, problem) = await json.ReadAsync(request, new IssueTokenRequest());
        if (problem is not null)
            return problem;
        var lifetime = BootstrapTokenAdmin.DefaultLifetime;
        if (body!.Ttl is not null && !BootstrapTokenAdmin.TryParseLifetime(body.Ttl, out lifetime))
            return ApiProblems.BadRequest($"'ttl' is a lifetime such as 90s, 15m, 2h or 7d, not '{body.Ttl}'.");
        var result = await tokens.IssueAsync(new BootstrapTokenRequest(lifetime, body.Device, body.Note, body.Profile, body.SubjectPattern),
            ApiCallFilter.ActorOf(user), cancellationToken);
        if (!result.Succeeded)
            return ApiProblems.BadRequest(result.Error!);
        var label = string.IsNullOrWhiteSpace(body.Profile) ? null : (await profiles.FindAsync(body.Profile, cancellationToken))?.Label;
        var estUrl = EstServerAddress.WellKnown(configuration, new Uri($"{request.Scheme}://{request.Host}")) + (label is null ? "" : "/" + label);
        var token = result.Value!;
        return TypedResults.Created($"/api/v1/tokens?state=unused", new IssuedTokenResponse(token.Id, token.Token, token.ExpiresAt, estUrl));
    }

    /// <summary>Tokens newest first; state = unused, used, expired or revoked (all when absent).</summary>
    private static async Task<Results<Ok<ApiPage<TokenItem>>, ProblemHttpResult>> ListAsync(string? state, string? cursor, string? limit,
        KeysetPages pages, TimeProvider time, CancellationToken cancellationToken)
    {
        var filter = TokenStateFilter.All;
        if (state is not null && (!Enum.TryParse(state, ignoreCase: true, out filter) || filter == TokenStateFilter.All || int.TryParse(state, out _)))
            return ApiProblems.BadRequest($"'state' is one of unused, used, expired, revoked, not '{state}'.");
        if (!ApiCursor.TryLimit(limit, out var take))
            return ApiProblems.BadRequest(ApiCursor.BadLimit);
        if (!ApiCursor.TryDecode(List, cursor, out Admin.TimePosition? after))
            return ApiProblems.BadRequest(ApiCursor.BadCursor);
        var page = await pages.TokensAsync(filter, after, take, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new ApiPage<TokenItem>(
            page.Items.Select(t => new TokenItem(t.Id, t.StateAt(now).ToString().ToLowerInvariant(), t.DeviceName, t.ProfileName, t.SubjectPattern, t.Note,
                t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.UsedAt, t.UsedForSerial, t.RevokedAt)).ToList(),
            page.Next is null ? null : ApiCursor.Encode(List, page.Next)));
    }

    private static async Task<Results<Ok<RevokedTokenResponse>, ProblemHttpResult>> RevokeAsync(string id, ClaimsPrincipal user, BootstrapTokenAdmin tokens,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var tokenId))
            return ApiProblems.NotFound($"No token has id '{id}'; ids are the 'id' of POST /api/v1/tokens or GET /api/v1/tokens.");
        var result = await tokens.RevokeAsync(tokenId, ApiCallFilter.ActorOf(user), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new RevokedTokenResponse(tokenId, "revoked"))
            : ApiProblems.Conflict(result.Error! + " GET /api/v1/tokens shows its state.");
    }
}
