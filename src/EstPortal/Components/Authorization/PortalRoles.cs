using System.Security.Claims;
using EstPortal.Data.Entities;

namespace EstPortal.Components.Authorization;

/// <summary>
/// Who may see and change what in the portal. Pages hide controls with the role lists below, and every handler that
/// changes state asks the matching <c>Can…</c> method again on the server, since hiding a button is not a permission
/// check. Admin: everything. Operator: devices, credentials, tokens, certificates, approvals (CAs and profiles
/// read-only, because devices need their chain and EST URLs). Auditor: read-only everywhere, plus the audit log.
/// </summary>
public static class PortalRoles
{
    /// <summary>For <c>AuthorizeView Roles</c> and <c>[Authorize(Roles)]</c>: may add devices and issue tokens.</summary>
    public const string Managers = OperatorRoles.Admin + "," + OperatorRoles.Operator;

    /// <summary>May change CAs, profiles and operator accounts.</summary>
    public const string Admins = OperatorRoles.Admin;

    /// <summary>May read and export the audit log and verify its chain.</summary>
    public const string AuditReaders = OperatorRoles.Admin + "," + OperatorRoles.Auditor;

    public static bool CanManage(ClaimsPrincipal user) => IsIn(user, OperatorRoles.Admin, OperatorRoles.Operator);

    public static bool CanAdminister(ClaimsPrincipal user) => IsIn(user, OperatorRoles.Admin);

    public static bool CanReadAudit(ClaimsPrincipal user) => IsIn(user, OperatorRoles.Admin, OperatorRoles.Auditor);

    /// <summary>The audit log's actor for a signed-in person.</summary>
    public static string ActorOf(ClaimsPrincipal user) => "operator:" + (user.Identity?.Name ?? "unknown");

    public const string ReadOnlyMessage = "Your role is read-only: only an Admin or Operator can do this.";

    public const string AdminOnlyMessage = "Only an Admin can do this.";

    public const string AuditOnlyMessage = "Only an Admin or Auditor can do this.";

    private static bool IsIn(ClaimsPrincipal user, params string[] roles) =>
        user.Identity?.IsAuthenticated == true && roles.Any(user.IsInRole);
}
