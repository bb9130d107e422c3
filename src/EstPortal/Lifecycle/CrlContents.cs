using System.Data;
using System.Data.Common;
using EstPortal.Data;
using EstPortal.Pki;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace EstPortal.Lifecycle;

/// <summary>
/// Streams a CRL's DER into and out of its row, so neither publishing nor serving holds a large CRL in memory
/// (ADR 0030): SQLite through its incremental blob I/O (a zeroblob of the final length, then written in place; read
/// through the row's rowid), PostgreSQL as a streamed bytea parameter and a sequentially read column.
/// </summary>
public sealed class CrlContents(IDbContextFactory<EstPortalDbContext> contexts)
{
    // The entity's table and column (CertificateRevocationList.Der); quoted identifiers work in both dialects.
    private const string Table = "CertificateRevocationLists";
    private const string Column = "Der";

    /// <summary>
    /// Fills the Der column of the CRL row <paramref name="id"/> (already inserted in <paramref name="db"/>'s open
    /// transaction, so no reader ever sees it half written).
    /// </summary>
    public static async Task WriteAsync(EstPortalDbContext db, Guid id, SignedCrl crl, CancellationToken cancellationToken)
    {
        await using var content = crl.OpenRead();
        if (db.Database.IsSqlite())
        {
            // SQLite cannot grow a blob through the blob handle: size it first, then write it in place.
            await db.Database.ExecuteSqlAsync($"UPDATE \"CertificateRevocationLists\" SET \"Der\" = zeroblob({crl.Length}) WHERE \"Id\" = {id}", cancellationToken);
            var rowId = await RowIdAsync(db, id, cancellationToken) ?? throw new InvalidOperationException($"CRL row {id} vanished inside its own transaction");
            await using var blob = new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), Table, Column, rowId);
            await content.CopyToAsync(blob, cancellationToken);
            return;
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"UPDATE \"{Table}\" SET \"{Column}\" = @der WHERE \"Id\" = @id";
        // A seekable stream as a bytea parameter: Npgsql sends it in pieces, knowing its length.
        AddParameter(command, "der", DbType.Binary, content);
        AddParameter(command, "id", DbType.Guid, id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The CRL's DER as a stream of <see cref="PublishedCrl.Length"/> octets, or null when the row is gone.</summary>
    public async Task<CrlContent?> OpenAsync(PublishedCrl crl, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // An open blob handle reads one snapshot of the row; published CRLs are never rewritten anyway.
                return await RowIdAsync(db, crl.Id, cancellationToken) is { } rowId
                    ? new CrlContent(new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), Table, Column, rowId, readOnly: true), crl.Length, db)
                    : await DisposeAndReturnNullAsync(db);
            }

            var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT \"{Column}\" FROM \"{Table}\" WHERE \"Id\" = @id";
            AddParameter(command, "id", DbType.Guid, crl.Id);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                await command.DisposeAsync();
                return await DisposeAndReturnNullAsync(db);
            }
            return new CrlContent(reader.GetStream(0), crl.Length, reader, command, db);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    private static async Task<CrlContent?> DisposeAndReturnNullAsync(EstPortalDbContext db)
    {
        await db.DisposeAsync();
        return null;
    }

    private static async Task<long?> RowIdAsync(EstPortalDbContext db, Guid id, CancellationToken cancellationToken)
    {
        // The Id parameter goes through EF's own mapping for Guid keys, so it matches the stored value.
        var rowIds = await db.Database.SqlQuery<long>($"SELECT rowid AS \"Value\" FROM \"CertificateRevocationLists\" WHERE \"Id\" = {id}")
            .ToListAsync(cancellationToken);
        return rowIds.Count == 0 ? null : rowIds[0];
    }

    private static void AddParameter(DbCommand command, string name, DbType type, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
