using Microsoft.AspNetCore.Identity;

namespace EstPortal.Data.Entities;

/// <summary>A person who signs in to the portal. Roles: see <see cref="OperatorRoles"/>.</summary>
public sealed class Operator : IdentityUser
{
    public bool Disabled { get; set; }
}

public static class OperatorRoles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Operator, Auditor];
}
