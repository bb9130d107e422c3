namespace EstPortal.Admin;

/// <summary>An admin action's outcome: the value, or a validation message for the portal form or the CLI.</summary>
public sealed record AdminResult<T>(T? Value, string? Error)
{
    public bool Succeeded => Error is null;
    public static AdminResult<T> Ok(T value) => new(value, null);
    public static AdminResult<T> Fail(string error) => new(default, error);
}
