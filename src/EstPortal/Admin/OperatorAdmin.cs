using System.Security.Cryptography;
using EstPortal.Audit;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace EstPortal.Admin;

public sealed record NewOperator(string Email, string Role, string Password);

public sealed record OperatorSummary(string Id, string Email, string Role, bool Disabled, bool LockedOut, DateTimeOffset? LockoutEnd, bool TwoFactorEnabled);

/// <summary>Operator accounts (ASP.NET Core Identity). Scoped: Identity's managers are scoped.</summary>
public sealed class OperatorAdmin(UserManager<Operator> users, AuditLog audit, TimeProvider time)
{
    public async Task<AdminResult<NewOperator>> AddAsync(string email, string role, string? password, string actor)
    {
        var canonicalRole = OperatorRoles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
        if (canonicalRole is null)
            return AdminResult<NewOperator>.Fail($"Unknown role '{role}': use {string.Join(", ", OperatorRoles.All)}.");
        if (string.IsNullOrWhiteSpace(email) || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
            return AdminResult<NewOperator>.Fail($"'{email}' is not an e-mail address.");
        if (await users.FindByEmailAsync(email) is not null)
            return AdminResult<NewOperator>.Conflict($"An operator with e-mail '{email}' already exists.");

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

    public async Task<IReadOnlyList<OperatorSummary>> ListAsync()
    {
        var now = time.GetUtcNow();
        var all = users.Users.OrderBy(u => u.Email).ToList();
        var list = new List<OperatorSummary>(all.Count);
        foreach (var user in all)
            list.Add(await SummarizeAsync(user, now));
        return list;
    }

    /// <summary>
    /// Disables or re-enables an account. A disabled operator cannot sign in (see PortalSignInManager), and the new
    /// security stamp ends their existing sessions at the next revalidation. The last enabled Admin stays enabled.
    /// </summary>
    public async Task<AdminResult<OperatorSummary>> SetDisabledAsync(string id, bool disabled, string actor)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return AdminResult<OperatorSummary>.NotFound("No such operator.");
        if (disabled && actor == ActorOf(user))
            return AdminResult<OperatorSummary>.Fail("You cannot disable your own account.");
        if (disabled && await users.IsInRoleAsync(user, OperatorRoles.Admin) && await EnabledAdminCountAsync() <= 1)
            return AdminResult<OperatorSummary>.Fail("This is the last enabled Admin; enable or add another Admin first.");
        if (user.Disabled == disabled)
            return AdminResult<OperatorSummary>.Ok(await SummarizeAsync(user, time.GetUtcNow()));
        user.Disabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
            return AdminResult<OperatorSummary>.Fail(Describe(updated));
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(new AuditRecord(disabled ? AuditEventTypes.OperatorDisabled : AuditEventTypes.OperatorEnabled, true, actor,
            Details: $"operator {user.Email}: disabled {!disabled} -> {disabled}"));
        return AdminResult<OperatorSummary>.Ok(await SummarizeAsync(user, time.GetUtcNow()));
    }

    /// <summary>A new generated password (shown once); also clears a lockout and ends the operator's sessions.</summary>
    public async Task<AdminResult<NewOperator>> ResetPasswordAsync(string id, string actor)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return AdminResult<NewOperator>.NotFound("No such operator.");
        var password = GeneratePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
            return AdminResult<NewOperator>.Fail(Describe(reset));
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(new AuditRecord(AuditEventTypes.OperatorPasswordReset, true, actor,
            Details: $"operator {user.Email}: password reset, lockout cleared"));
        return AdminResult<NewOperator>.Ok(new NewOperator(user.Email ?? "", await RoleOfAsync(user), password));
    }

    /// <summary>Moves an operator to another role; their sessions end so the new role applies at once.</summary>
    public async Task<AdminResult<OperatorSummary>> ChangeRoleAsync(string id, string role, string actor)
    {
        var canonicalRole = OperatorRoles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
        if (canonicalRole is null)
            return AdminResult<OperatorSummary>.Fail($"Unknown role '{role}': use {string.Join(", ", OperatorRoles.All)}.");
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return AdminResult<OperatorSummary>.NotFound("No such operator.");
        var before = await RoleOfAsync(user);
        if (before == canonicalRole)
            return AdminResult<OperatorSummary>.Ok(await SummarizeAsync(user, time.GetUtcNow()));
        if (before == OperatorRoles.Admin && !user.Disabled && await EnabledAdminCountAsync() <= 1)
            return AdminResult<OperatorSummary>.Fail("This is the last enabled Admin; make another operator Admin first.");
        var current = await users.GetRolesAsync(user);
        if (current.Count > 0 && await users.RemoveFromRolesAsync(user, current) is { Succeeded: false } removed)
            return AdminResult<OperatorSummary>.Fail(Describe(removed));
        if (await users.AddToRoleAsync(user, canonicalRole) is { Succeeded: false } added)
            return AdminResult<OperatorSummary>.Fail(Describe(added));
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(new AuditRecord(AuditEventTypes.OperatorRoleChanged, true, actor,
            Details: $"operator {user.Email}: role {before} -> {canonicalRole}"));
        return AdminResult<OperatorSummary>.Ok(await SummarizeAsync(user, time.GetUtcNow()));
    }

    private async Task<int> EnabledAdminCountAsync() =>
        (await users.GetUsersInRoleAsync(OperatorRoles.Admin)).Count(u => !u.Disabled);

    private async Task<string> RoleOfAsync(Operator user) =>
        OperatorRoles.All.FirstOrDefault((await users.GetRolesAsync(user)).Contains) ?? "";

    private async Task<OperatorSummary> SummarizeAsync(Operator user, DateTimeOffset now) =>
        new(user.Id, user.Email ?? user.UserName ?? "", await RoleOfAsync(user), user.Disabled,
            user.LockoutEnd is { } end && end > now, user.LockoutEnd, user.TwoFactorEnabled);

    private static string ActorOf(Operator user) => "operator:" + user.UserName;

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    /// <summary>20 random characters from a 57-letter alphabet (~116 bits), plus the character classes Identity asks for.</summary>
    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20) + "-Aa9";
    }
}
