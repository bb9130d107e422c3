using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Audit;

/// <summary>
/// Serialises writers of the audit chain inside their transaction. SQLite needs nothing: a write transaction holds
/// the database's write lock from BEGIN IMMEDIATE. PostgreSQL runs writers side by side under READ COMMITTED, so
/// the head row is locked with SELECT … FOR UPDATE until commit: a second writer, on this instance or another,
/// waits and then reads the head the first one left. Without it, one of two racing writers would fail on the
/// head's concurrency token.
/// </summary>
public static class AuditChainLock
{
    /// <summary>
    /// Takes the lock in the context's current transaction (no-op on SQLite or without a transaction). Callers that
    /// also update other rows take it first, so every transaction locks the head before anything else and two
    /// transactions cannot deadlock on the head and, say, a bootstrap token row.
    /// </summary>
    public static async Task AcquireAsync(DbContext context, CancellationToken cancellationToken)
    {
        if (!context.Database.IsNpgsql() || context.Database.CurrentTransaction is null)
            return;
        var entity = context.Model.FindEntityType(typeof(AuditChainHead))
            ?? throw new InvalidOperationException("The model has no audit chain head.");
        var table = entity.GetTableName();
        var id = entity.FindProperty(nameof(AuditChainHead.Id))!.GetColumnName();
        // Identifiers come from our own model, never from input; the id is a parameter.
#pragma warning disable EF1002
        await context.Database.ExecuteSqlRawAsync(
            $"SELECT 1 FROM \"{table}\" WHERE \"{id}\" = {{0}} FOR UPDATE", [AuditChainHead.SingletonId], cancellationToken);
#pragma warning restore EF1002
    }
}
