namespace EstPortal.Data;

/// <summary>The databases EstPortal runs on; each has its own context subclass and migrations folder.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
