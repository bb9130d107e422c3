using System.Security.Cryptography;
using EstPortal.Audit;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace EstPortal.Admin;

public sealed record NewOperator(string Email, string Role, string Password);

/// <summary>Operator accounts (ASP.NET Core Identity). Scoped: Identity's managers are scoped.</summary>
public sealed class OperatorAdmin(UserManager<Operator> users, AuditLog audit)
{
    public async Task<AdminResult<NewOperator>> AddAsync(string email, string role, string? password, string actor)
    {
        var canonicalRole = OperatorRoles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
        if (canonicalRole is null)
            return AdminResult<NewOperator>.Fail($"Unknown role '{role}': use {string.Join(", ", OperatorRoles.All)}.");
        if (string.IsNullOrWhiteSpace(email) || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
            return AdminResult<NewOperator>.Fail($"'{email}' is not an e-mail address.");
        if (await users.FindByEmailAsync(email) is not null)
            return AdminResult<NewOperator>.Fail($"An operator with e-mail '{email}' already exists.");

        password ??= GeneratePassword();
        var user = new Operator { UserName = email, Email = email, EmailConfirmed = true, LockoutEnabled = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            return AdminResult<NewOperator>.Fail(string.Join(" ", created.Errors.Select(e => e.Description)));
        var inRole = await users.AddToRoleAsync(user, canonicalRole);
        if (!inRole.Succeeded)
            return AdminResult<NewOperator>.Fail(string.Join(" ", inRole.Errors.Select(e => e.Description)));

        await audit.RecordAsync(new AuditRecord(
            actor == "setup" ? AuditEventTypes.FirstAdminCreated : AuditEventTypes.OperatorAdded, true, actor,
            Details: $"operator {email} as {canonicalRole}"));
        return AdminResult<NewOperator>.Ok(new NewOperator(email, canonicalRole, password));
    }

    /// <summary>20 random characters from a 57-letter alphabet (~116 bits), plus the character classes Identity asks for.</summary>
    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20) + "-Aa9";
    }
}
