namespace EstPortal.Admin;

/// <summary>
/// Why an admin action did not happen, so each front end answers in its own terms: the API with 400/404/409, the admin
/// commands with their exit codes (docs/cli-output.md), the portal with the message alone.
/// </summary>
public enum AdminFailure
{
    /// <summary>The input is not acceptable (a bad value, a rule it breaks).</summary>
    Invalid,

    /// <summary>What the action names does not exist.</summary>
    NotFound,

    /// <summary>It exists already, or is no longer in a state the action applies to.</summary>
    Conflict,
}

/// <summary>An admin action's outcome: the value, or a validation message for the portal form or the CLI.</summary>
public sealed record AdminResult<T>(T? Value, string? Error, AdminFailure Failure = AdminFailure.Invalid)
{
    public bool Succeeded => Error is null;
    public static AdminResult<T> Ok(T value) => new(value, null);
    public static AdminResult<T> Fail(string error) => new(default, error);
    public static AdminResult<T> NotFound(string error) => new(default, error, AdminFailure.NotFound);
    public static AdminResult<T> Conflict(string error) => new(default, error, AdminFailure.Conflict);
}
