using EstPortal.Admin;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record ProfileItem(string Name, string? Label, bool IsDefault, string Ca, bool RequiresApproval, string EstPath);

/// <summary>/api/v1/profiles: which enrollment profiles exist and where devices enroll under each (RFC 7030 §3.2.2 label).</summary>
public static class ProfilesApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/profiles", ListAsync).RequireAuthorization(ApiPolicies.Read).WithTags("Profiles");

    private static async Task<Ok<IReadOnlyList<ProfileItem>>> ListAsync(ProfileAdmin profiles, CancellationToken cancellationToken)
    {
        var items = (await profiles.ListAsync(cancellationToken))
            .Select(p => new ProfileItem(p.Name, p.Label, p.IsDefault, p.CaName, p.RequiresApproval,
                EstServerAddress.WellKnownPath + (p.Label is null ? "" : "/" + p.Label)))
            .ToList();
        return TypedResults.Ok<IReadOnlyList<ProfileItem>>(items);
    }
}
