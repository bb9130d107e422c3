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
/// (ADR 0030): written through SQLite's incremental blob I/O (a zeroblob of the final length, then written in place)
/// or as a streamed PostgreSQL bytea parameter; read back in pieces, each by a short query of its own.
/// </summary>
public sealed class CrlContents(IDbContextFactory<EstPortalDbContext> contexts)
{
    // The entity's table and column (CertificateRevocationList.Der); quoted identifiers work in both dialects.
    private const string Table = "CertificateRevocationLists";
    private const string Column = "Der";

    /// <summary>Octets read per query when serving: what one request holds of a CRL at a time.</summary>
    public const int ChunkSize = 128 * 1024;

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

    /// <summary>
    /// The CRL's DER as a stream of <see cref="PublishedCrl.Length"/> octets, read <see cref="ChunkSize"/> at a time,
    /// each piece by its own short query: no database connection or read snapshot is held while the client downloads
    /// (the endpoint is public — a slow reader must not pin a pooled connection or keep SQLite's write-ahead log from
    /// being checkpointed). Published CRLs are never rewritten, so the pieces fit together.
    /// </summary>
    public Stream OpenRead(PublishedCrl crl) => new CrlChunkStream(crl.Length, (offset, count, cancellationToken) => ReadChunkAsync(crl.Id, offset, count, cancellationToken));

    private async Task<byte[]> ReadChunkAsync(Guid id, long offset, int count, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Incremental blob I/O reads only the pages of this piece (substr() would load the whole value each time).
            await db.Database.OpenConnectionAsync(cancellationToken);
            // Looked up again for every piece: a rowid is only stable while its row exists (SQLite may reuse it).
            var rowId = await RowIdAsync(db, id, cancellationToken) ?? throw new IOException($"CRL {id} is no longer stored");
            await using var blob = new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), Table, Column, rowId, readOnly: true);
            blob.Position = offset;
            var piece = new byte[Math.Min(count, Math.Max(0, blob.Length - offset))];
            blob.ReadExactly(piece);
            return piece;
        }

        // A slice of an uncompressed bytea fetches only the TOAST chunks it covers (the column's storage is EXTERNAL).
        var pieces = await db.Database.SqlQuery<byte[]>(
                $"SELECT substring(\"Der\" FROM {checked((int)offset + 1)} FOR {count}) AS \"Value\" FROM \"CertificateRevocationLists\" WHERE \"Id\" = {id}")
            .ToListAsync(cancellationToken);
        return pieces.Count == 1 ? pieces[0] : throw new IOException($"CRL {id} is no longer stored");
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
