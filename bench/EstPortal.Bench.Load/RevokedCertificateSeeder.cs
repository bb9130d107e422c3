using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace EstPortal.Bench.Load;

/// <summary>
/// Many revoked certificates of the default CA in seconds, inserted straight into the SQLite database with one prepared
/// command in one transaction (as bench/EstPortal.Bench.Seed does), instead of an enrollment and a revocation each over
/// the API. The rows carry what a CRL entry reads (serial, revocation time, reason) and stand-in bytes for the
/// certificate, which neither the CRL nor OCSP parse.
/// </summary>
internal sealed class RevokedCertificateSeeder(string databasePath)
{
    private readonly string _connectionString = $"Data Source={databasePath};Pooling=False";

    public async Task<Guid> DefaultCaIdAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id" FROM "CertificateAuthorities" WHERE "IsDefault" = 1""";
        return Guid.Parse((string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("no default CA")));
    }

    /// <summary>
    /// <paramref name="revoked"/> certificates revoked over the past year (distinct times, reasons keyCompromise,
    /// superseded, cessationOfOperation and none), then <paramref name="spare"/> unrevoked ones for <see cref="RevokeOneAsync"/>.
    /// </summary>
    /// <returns>The serials (hex) of the spare certificates.</returns>
    public async Task<List<string>> SeedAsync(Guid caId, int revoked, int spare, byte[] certificateDer)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        string[] columns = ["Id", "SerialNumber", "CertificateAuthorityId", "Subject", "Sha256Thumbprint", "PublicKeySha256", "CertificateDer",
            "NotBefore", "NotAfter", "IssuedAt", "IssuedVia", "RevokedAt", "RevokedBy", "RevocationReason"];
        command.CommandText = $"INSERT INTO \"IssuedCertificates\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        foreach (var i in Enumerable.Range(0, columns.Length))
            command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        command.Prepare();

        var now = DateTimeOffset.UtcNow;
        var spares = new List<string>(spare);
        var serial = new byte[16];
        int?[] reasons = [1, 4, 5, null];
        for (var i = 0; i < revoked + spare; i++)
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive, 16 octets (RFC 5280 §4.1.2.2)
            var serialHex = Convert.ToHexString(serial);
            var isRevoked = i < revoked;
            // EF Core's SQLite storage: Guid as upper-case text, DateTimeOffset as UTC ticks (SqliteEstPortalDbContext).
            object?[] values = [Guid.NewGuid().ToString("D").ToUpperInvariant(), serialHex, caId.ToString("D").ToUpperInvariant(), $"CN=crl-bench-{i:D7}",
                Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), certificateDer,
                now.AddDays(-400).UtcTicks, now.AddDays(330).UtcTicks, now.AddDays(-400).UtcTicks, "bench:crl",
                isRevoked ? now.AddDays(-365).AddSeconds(i * (365d * 86400 / Math.Max(1, revoked))).UtcTicks : null,
                isRevoked ? "bench" : null, isRevoked ? reasons[i % reasons.Length] : null];
            for (var p = 0; p < values.Length; p++)
                command.Parameters[p].Value = values[p] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync();
            if (!isRevoked)
                spares.Add(serialHex);
        }
        await transaction.CommitAsync();
        return spares;
    }

    /// <summary>One revocation now, as hand-written SQL would make it: newer than the current CRL, so the next fetch publishes.</summary>
    public async Task RevokeOneAsync(string serialHex)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """UPDATE "IssuedCertificates" SET "RevokedAt" = $at, "RevocationReason" = 1, "RevokedBy" = 'bench' WHERE "SerialNumber" = $serial""";
        command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.UtcTicks);
        command.Parameters.AddWithValue("$serial", serialHex);
        if (await command.ExecuteNonQueryAsync() != 1)
            throw new InvalidOperationException($"certificate {serialHex} was not revoked");
    }
}
