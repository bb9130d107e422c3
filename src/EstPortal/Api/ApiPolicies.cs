using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Authorization;

namespace EstPortal.Api;

/// <summary>
/// The portal's role rules (<see cref="PortalRoles"/>) as policies that accept only an API key: the same roles may do
/// the same things, and a portal cookie never counts here.
/// </summary>
public static class ApiPolicies
{
    public const string Read = "api:read";
    public const string Manage = "api:manage";
    public const string Audit = "api:audit";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Read, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        options.AddPolicy(Manage, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles(PortalRoles.Managers)));
        options.AddPolicy(Audit, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles(PortalRoles.AuditReaders)));
    }

    private static string[] Roles(string list) => list.Split(',');
}
