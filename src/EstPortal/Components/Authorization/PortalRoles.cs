using System.Security.Claims;
using EstPortal.Data.Entities;

namespace EstPortal.Components.Authorization;

/// <summary>
/// Who may change what in the portal. Pages hide controls with <see cref="Managers"/>, and every handler that changes
/// state asks <see cref="CanManage"/> again on the server, since hiding a button is not a permission check.
/// </summary>
public static class PortalRoles
{
    /// <summary>For <c>AuthorizeView Roles</c> and <c>[Authorize(Roles)]</c>: may add devices and issue tokens.</summary>
    public const string Managers = OperatorRoles.Admin + "," + OperatorRoles.Operator;

    public static bool CanManage(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
        && (user.IsInRole(OperatorRoles.Admin) || user.IsInRole(OperatorRoles.Operator));

    /// <summary>The audit log's actor for a signed-in person.</summary>
    public static string ActorOf(ClaimsPrincipal user) => "operator:" + (user.Identity?.Name ?? "unknown");

    public const string ReadOnlyMessage = "Your role is read-only: only an Admin or Operator can do this.";
}
