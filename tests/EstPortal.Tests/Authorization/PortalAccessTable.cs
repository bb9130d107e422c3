namespace EstPortal.Tests.Authorization;

public enum Who
{
    Anonymous,
    Auditor,
    Operator,
    Admin,
}

/// <summary>A page (GET) or download: who may open it. Path placeholders ({ca}, {device}, {profile}, {certificate}, {pending}) are filled by the test.</summary>
public sealed record PageRule(string Path, params Who[] Allowed);

/// <summary>A state-changing portal action (a component handler): who may perform it.</summary>
public sealed record ActionRule(string Action, params Who[] Allowed);

/// <summary>
/// An automation API operation (method and route template as /openapi/v1.json writes it): which roles' API keys may
/// call it. Placeholders ({name}, {id}, {serial}) are filled by the test.
/// </summary>
public sealed record ApiRule(string Method, string Route, params Who[] Allowed)
{
    public string Operation => $"{Method} {Route}";
}

/// <summary>
/// THE table of who may open and do what in the portal. Admin: everything. Operator: devices, credentials, tokens,
/// certificates, approvals; CAs and profiles read-only; no audit log, no operators. Auditor: read-only everywhere,
/// plus the audit log. Anonymous: nothing. <see cref="PortalPageAccessTests"/> and <see cref="PortalActionAccessTests"/>
/// check every row for every role, and fail when a page or action exists without a row.
/// </summary>
/// <summary>Who calls the API: no key, a key of each role, or an Admin key that was revoked or has expired.</summary>
public enum ApiCaller
{
    NoKey,
    AuditorKey,
    OperatorKey,
    AdminKey,
    RevokedKey,
    ExpiredKey,
}

public static class PortalAccessTable
{
    private static readonly Who[] SignedIn = [Who.Auditor, Who.Operator, Who.Admin];
    private static readonly Who[] Managers = [Who.Operator, Who.Admin];
    private static readonly Who[] AuditReaders = [Who.Auditor, Who.Admin];
    private static readonly Who[] Admins = [Who.Admin];

    public static readonly IReadOnlyList<PageRule> Pages =
    [
        new("/", SignedIn),
        new("/cas", SignedIn),
        new("/cas/new", Admins),
        new("/cas/{ca}", SignedIn),
        new("/profiles", SignedIn),
        new("/profiles/new", Admins),
        new("/profiles/{profile}", SignedIn),
        new("/devices", SignedIn),
        new("/devices/import", Managers),
        new("/devices/{device}", SignedIn),
        new("/tokens", SignedIn),
        new("/certificates", SignedIn),
        new("/certificates/{certificate}", SignedIn),
        new("/approvals", SignedIn),
        new("/approvals/{pending}", SignedIn),
        new("/audit", AuditReaders),
        new("/operators", Admins),
        new("/apikeys", Admins),
        new("/trust-anchors", Admins),
        new("/Account/Manage", SignedIn),
        new("/Account/Manage/TwoFactorAuthentication", SignedIn),
        // Downloads
        new("/portal/cas/default.pem", SignedIn),
        new("/portal/ca/{ca}/chain.pem", SignedIn),
        new("/portal/ca/{ca}/certificate.der", SignedIn),
        new("/portal/certificates/{certificate}.pem", SignedIn),
        new("/portal/audit.csv", AuditReaders),
        new("/portal/audit.csv?type=token.issued", AuditReaders),
        // A file of secrets a bulk page offered once; an unknown or taken one answers 410 to a permitted caller.
        new("/portal/once/{once}", Managers),
    ];

    public static readonly IReadOnlyList<ActionRule> Actions =
    [
        new("ca.create", Admins),
        new("ca.import", Admins),
        new("ca.rollover", Admins),
        new("profile.save", Admins),
        new("approval.approve", Managers),
        new("approval.reject", Managers),
        new("audit.verify", AuditReaders),
        new("operator.add", Admins),
        new("operator.change-role", Admins),
        new("operator.disable", Admins),
        new("operator.enable", Admins),
        new("operator.reset-password", Admins),
        new("trust.add", Admins),
        new("trust.remove", Admins),
        new("device.add", Managers),
        new("device.import", Managers),
        new("device.disable", Managers),
        new("device.rotate-credential", Managers),
        new("token.issue", Managers),
        new("token.issue-several", Managers),
        new("token.revoke", Managers),
        new("certificate.revoke", Managers),
        new("apikey.create", Admins),
        new("apikey.revoke", Admins),
    ];

    /// <summary>
    /// The automation API, by the same rules as the pages and actions above: reading what a page shows takes any role,
    /// changing what a page's action changes takes the same roles as that action, the audit log takes Auditor or Admin.
    /// <see cref="EstPortal.Tests.Api.ApiAccessTests"/> calls every row with each role's key, a revoked key, an expired key and no key.
    /// </summary>
    public static readonly IReadOnlyList<ApiRule> Api =
    [
        new("POST", "/api/v1/devices", Managers),
        new("GET", "/api/v1/devices", SignedIn),
        new("GET", "/api/v1/devices/{name}", SignedIn),
        new("POST", "/api/v1/devices/{name}/disable", Managers),
        new("POST", "/api/v1/devices/{name}/rotate-credential", Managers),
        new("POST", "/api/v1/tokens", Managers),
        new("GET", "/api/v1/tokens", SignedIn),
        new("POST", "/api/v1/tokens/{id}/revoke", Managers),
        new("GET", "/api/v1/certificates", SignedIn),
        new("GET", "/api/v1/certificates/{serial}", SignedIn),
        new("POST", "/api/v1/certificates/{serial}/revoke", Managers),
        new("GET", "/api/v1/profiles", SignedIn),
        new("GET", "/api/v1/cas", SignedIn),
        new("GET", "/api/v1/approvals", SignedIn),
        new("POST", "/api/v1/approvals/{id}/approve", Managers),
        new("POST", "/api/v1/approvals/{id}/reject", Managers),
        new("GET", "/api/v1/audit", AuditReaders),
    ];

    public static TheoryData<string, ApiCaller> ApiCases()
    {
        var data = new TheoryData<string, ApiCaller>();
        foreach (var rule in Api)
            foreach (var caller in Enum.GetValues<ApiCaller>())
                data.Add(rule.Operation, caller);
        return data;
    }

    public static bool ApiAllows(string operation, Who who) => Api.Single(a => a.Operation == operation).Allowed.Contains(who);

    public static readonly IReadOnlyList<Who> Everyone = Enum.GetValues<Who>();

    public static TheoryData<string, Who> PageCases()
    {
        var data = new TheoryData<string, Who>();
        foreach (var page in Pages)
            foreach (var who in Everyone)
                data.Add(page.Path, who);
        return data;
    }

    public static TheoryData<string, Who> ActionCases()
    {
        var data = new TheoryData<string, Who>();
        foreach (var action in Actions)
            foreach (var who in Everyone)
                data.Add(action.Action, who);
        return data;
    }

    public static bool PageAllows(string path, Who who) => Pages.Single(p => p.Path == path).Allowed.Contains(who);

    public static bool ActionAllows(string action, Who who) => Actions.Single(a => a.Action == action).Allowed.Contains(who);
}
